"""Converting a mark between grading systems (CFG-07), for mixed reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Conversion, GradeValue


@dataclass(frozen=True)
class Converter:
    """A conversion loaded once (2 queries), then applied to any number of marks."""

    by_source: dict[int, GradeValue]
    ranges: list[tuple[Decimal, Decimal, GradeValue]]

    @classmethod
    def load(cls, conversion: Conversion) -> Converter:
        rules = list(conversion.rules.select_related("target_value"))
        return cls(
            by_source={r.source_value_id: r.target_value for r in rules if r.source_value_id},
            ranges=[
                (r.minimum, r.maximum, r.target_value) for r in rules if r.source_value_id is None
            ],
        )

    def convert(self, value: GradeValue) -> GradeValue | None:
        if value.pk in self.by_source:
            return self.by_source[value.pk]
        if value.numeric is not None:
            for minimum, maximum, target in self.ranges:
                if minimum <= value.numeric <= maximum:
                    return target
        return None
