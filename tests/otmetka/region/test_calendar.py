from datetime import date

import pytest

from otmetka.region.calendar import add_working_days, is_working_day, working_days_between
from otmetka.region.choices import CalendarDayKind
from otmetka.region.models import CalendarDay
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    region = RegionFactory()
    CalendarDay.objects.create(region=region, date=date(2026, 11, 4), kind=CalendarDayKind.HOLIDAY)
    CalendarDay.objects.create(region=region, date=date(2026, 11, 7), kind=CalendarDayKind.WORKING)
    return region


def test_weekdays_holidays_and_working_saturdays(calendar):
    assert is_working_day(date(2026, 11, 3))  # Tuesday
    assert not is_working_day(date(2026, 11, 4))  # National Unity Day (Wednesday)
    assert is_working_day(date(2026, 11, 7))  # a working Saturday
    assert not is_working_day(date(2026, 11, 8))  # Sunday


def test_working_days_between_uses_one_query(calendar, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = working_days_between(date(2026, 11, 2), date(2026, 11, 8))
    assert [d.day for d in days] == [2, 3, 5, 6, 7]


def test_add_working_days_skips_holidays(calendar):
    # 10 working days after Monday 2 November, with the 4th off and the 7th worked
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)
    assert add_working_days(date(2026, 11, 2), 0) == date(2026, 11, 2)
