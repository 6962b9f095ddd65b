"""Rules that span rows of the school's year (CFG-01…03), as pure functions returning field
messages, so services, API and pages report the same errors."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    label: str = ""


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def year_errors(start: date | None, end: date | None) -> dict[str, list[str]]:
    if start is None or end is None:
        return {}
    if end <= start:
        return {"end": ["Окончание учебного года должно быть позже начала."]}
    if (end - start).days > 366:
        return {"end": ["Учебный год не может быть длиннее года."]}
    return {}


def periods_errors(
    periods: Sequence[Span], *, year_start: date, year_end: date, holidays: Sequence[Span] = ()
) -> dict[str, list[str]]:
    """Messages keyed `periods[i].start|end` (or `periods`): a period outside the year, periods
    overlapping, or a gap between consecutive periods that holidays do not cover."""
    errors: dict[str, list[str]] = {}
    if not periods:
        return {"periods": ["Добавьте хотя бы один учебный период."]}
    for i, period in enumerate(periods):
        if period.end < period.start:
            errors.setdefault(f"periods[{i}].end", []).append(
                "Окончание периода раньше его начала."
            )
        if period.start < year_start or period.end > year_end:
            errors.setdefault(f"periods[{i}].start", []).append(
                f"Период «{period.label}» выходит за границы учебного года "
                f"({_fmt(year_start)}–{_fmt(year_end)})."
            )
    if errors:
        return errors
    order = sorted(range(len(periods)), key=lambda i: periods[i].start)
    for a, b in itertools.pairwise(order):
        first, second = periods[a], periods[b]
        if second.start <= first.end:
            errors.setdefault(f"periods[{b}].start", []).append(
                f"Период «{second.label}» пересекается с периодом «{first.label}»."
            )
            continue
        gap = [first.end + timedelta(days=d) for d in range(1, (second.start - first.end).days)]
        uncovered = [d for d in gap if not any(h.start <= d <= h.end for h in holidays)]
        working_gap = [d for d in uncovered if d.weekday() < 5]
        if working_gap:
            errors.setdefault(f"periods[{b}].start", []).append(
                f"Между периодами «{first.label}» и «{second.label}» разрыв "
                f"({_fmt(working_gap[0])}–{_fmt(working_gap[-1])}), не покрытый каникулами."
            )
    return errors


def holiday_errors(holiday: Span, *, year_start: date, year_end: date) -> dict[str, list[str]]:
    if holiday.end < holiday.start:
        return {"end": ["Окончание каникул раньше их начала."]}
    if holiday.start < year_start or holiday.end > year_end:
        return {"start": [f"Каникулы вне учебного года ({_fmt(year_start)}–{_fmt(year_end)})."]}
    return {}
