"""The region's production calendar (CFG-14, N-06): which local dates are working days.

Monday–Friday are working days and weekends are not, unless the region's calendar says
otherwise for a date (holidays, moved days off, working Saturdays). One query per range.
"""

from __future__ import annotations

from datetime import date, timedelta

from .choices import CalendarDayKind
from .models import CalendarDay

_NON_WORKING = {CalendarDayKind.HOLIDAY, CalendarDayKind.DAY_OFF}
_WORKING = {CalendarDayKind.WORKING, CalendarDayKind.SHORTENED}


def _exceptions(start: date, end: date) -> dict[date, str]:
    return dict(
        CalendarDay.objects.filter(region_id=1, date__range=(start, end)).values_list(
            "date", "kind"
        )
    )


def _working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind in _NON_WORKING:
        return False
    if kind in _WORKING:
        return True
    return day.weekday() < 5


def working_days_between(start: date, end: date) -> list[date]:
    """Working days from `start` to `end`, both included."""
    exceptions = _exceptions(start, end)
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if _working(d, exceptions)]


def is_working_day(day: date) -> bool:
    return _working(day, _exceptions(day, day))


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (a deadline "within N working days")."""
    if count < 0:
        raise ValueError("count must not be negative")
    window = max(14, count * 3)
    while True:
        days = working_days_between(start + timedelta(days=1), start + timedelta(days=window))
        if len(days) >= count:
            return days[count - 1] if count else start
        window *= 2
