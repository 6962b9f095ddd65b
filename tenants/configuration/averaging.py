"""The averaging rule (N-02, JRN-11): weighted mean of marks and the predicted period mark.

Pure functions over plain numbers, so the journal, the diary and the reports compute the same
figure. Decimal arithmetic: no binary rounding surprises at the threshold.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class WeightedMark:
    value: Decimal  # the mark's numeric value in its grading system
    weight: Decimal = Decimal(1)  # the work type's weight


@dataclass(frozen=True)
class Average:
    value: Decimal | None  # rounded to 2 places; None with no marks
    count: int
    too_few: bool  # fewer marks than the minimum (warning, N-02)


def weighted_average(marks: Iterable[WeightedMark], *, min_marks: int = 3) -> Average:
    """Weighted mean sum(v·w)/sum(w), 2 decimals; marks with weight 0 do not count."""
    total = Decimal(0)
    weights = Decimal(0)
    count = 0
    for mark in marks:
        if mark.weight < 0:
            raise ValueError("a weight cannot be negative")
        if mark.weight == 0:
            continue
        total += Decimal(mark.value) * mark.weight
        weights += mark.weight
        count += 1
    if count == 0:
        return Average(value=None, count=0, too_few=min_marks > 0)
    value = (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return Average(value=value, count=count, too_few=count < min_marks)


def predicted_mark(
    average: Decimal | None, scale: Sequence[Decimal], *, threshold: Decimal = Decimal("0.5")
) -> Decimal | None:
    """The scale value the average rounds to: up to the next value once the fractional distance
    from the lower one reaches `threshold` (0.5–0.7), down otherwise; clamped to the scale."""
    if average is None or not scale:
        return None
    if not Decimal("0") <= threshold <= Decimal("1"):
        raise ValueError("the rounding threshold must lie between 0 and 1")
    values = sorted(set(scale))
    if average <= values[0]:
        return values[0]
    if average >= values[-1]:
        return values[-1]
    for lower, upper in itertools.pairwise(values):
        if lower <= average <= upper:
            if average == upper:
                return upper
            share = (average - lower) / (upper - lower)
            return upper if share >= threshold else lower
    return values[-1]  # pragma: no cover - unreachable: the average lies within the scale
