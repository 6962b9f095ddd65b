"""Lessons by date: holidays and closed days skipped, alternate weeks, six-day weeks, and
re-making that keeps lessons with journal data and touches only the changed entry."""

from datetime import date

import pytest
from django_tenants.utils import schema_context

from otmetka.region.choices import CalendarDayKind
from otmetka.region.models import CalendarDay, Region
from tenants.configuration import services as configuration
from tenants.timetable import services
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.tenants.configuration.test_year_and_periods import QUARTERS, with_holidays
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
PUBLIC_HOLIDAY = date(2026, 11, 4)  # a Wednesday, in the autumn holidays anyway
MOVED_DAY_OFF = date(2026, 12, 2)  # a Wednesday made a day off by the region (for the test)


def _school(moved_day_off: bool = True):
    """A year with holidays and quarters, Датова teaching maths in 5А; `moved_day_off` makes
    2 December a regional day off (the region's calendar: leave it out where data is committed,
    other tests count working days)."""
    year = kit.year()
    with_holidays(year)
    configuration.period_structure_save(
        ctx=kit.CTX, year=year, name="Ч", grade_from=1, grade_to=11, periods=QUARTERS
    )
    if moved_day_off:
        CalendarDay.objects.get_or_create(
            region=Region.objects.first(),
            date=MOVED_DAY_OFF,
            defaults={"kind": CalendarDayKind.DAY_OFF},
        )
    teacher = kit.staff("Датова")
    five_a = kit.school_class()
    kit.teach(teacher, five_a)
    return year, teacher, five_a


def _entry(teacher, cls, weekday, number=1, weeks="every", valid_to=date(2027, 5, 26)):
    return services.timetable_entry_save(
        ctx=kit.CTX,
        data=services.EntryInput(
            subject=kit.maths(), teacher=teacher, weekday=weekday, number=number, weeks=weeks,
            valid_from=date(2026, 9, 1), valid_to=valid_to, school_class=cls,
        ),
    )  # fmt: skip


def test_a_year_of_lessons_skips_holidays_and_closed_days(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        wednesday = _entry(teacher, five_a, 3)
        saturday = _entry(teacher, five_a, 6, number=2)  # a six-day school
        result = lessons_make(ctx=kit.CTX, year=year)
        dates = list(Lesson.objects.filter(entry=wednesday).values_list("date", flat=True))
        assert dates[0] == date(2026, 9, 2) and dates[-1] == date(2027, 5, 26)
        assert date(2026, 10, 28) not in dates  # autumn holidays
        assert MOVED_DAY_OFF not in dates  # the region's day off
        assert date(2027, 1, 6) not in dates  # winter holidays
        assert all(d.weekday() == 2 for d in dates)
        saturdays = Lesson.objects.filter(entry=saturday)
        assert saturdays.exists() and all(
            d.weekday() == 5 for d in saturdays.values_list("date", flat=True)
        )
        assert result.created == Lesson.objects.count() and result.conflicts == []


def test_alternate_weeks_count_from_the_first_week(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        odd = _entry(teacher, five_a, 2, weeks="odd")  # Tuesdays of weeks 1, 3, 5…
        lessons_make(ctx=kit.CTX, year=year)
        dates = list(Lesson.objects.filter(entry=odd).values_list("date", flat=True))
        assert dates[:3] == [date(2026, 9, 1), date(2026, 9, 15), date(2026, 9, 29)]


def test_a_change_remakes_only_its_lessons_and_keeps_journal_data(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        monday = _entry(teacher, five_a, 1)
        friday = _entry(teacher, five_a, 5, number=4)
        lessons_make(ctx=kit.CTX, year=year)
        friday_ids = set(Lesson.objects.filter(entry=friday).values_list("pk", flat=True))
        recorded = Lesson.objects.filter(entry=monday, date=date(2027, 2, 1)).get()
        recorded.has_journal_data = True
        recorded.save()
        moved = services.timetable_entry_save(
            ctx=kit.CTX,
            data=services.EntryInput(
                subject=kit.maths(), teacher=teacher, weekday=2, number=1,
                valid_from=date(2026, 9, 1), valid_to=date(2027, 5, 26), school_class=five_a,
            ),
            entry=monday,
            today=date(2026, 11, 23),
        )  # fmt: skip
        # the Monday lesson with journal data stays and is reported; the others moved
        assert [lesson.pk for lesson in moved.conflicts] == [recorded.pk]
        assert Lesson.objects.filter(pk=recorded.pk).exists()
        later = Lesson.objects.filter(entry=monday, date__gt=date(2027, 1, 1)).exclude(
            pk=recorded.pk
        )
        assert later.exists() and all(
            d.weekday() == 1 for d in later.values_list("date", flat=True)
        )
        # the other entry's lessons were not touched
        assert set(Lesson.objects.filter(entry=friday).values_list("pk", flat=True)) == friday_ids


def test_lessons_api(school_a):
    from otmetka.accounts.roles import SchoolRole
    from tests.factories import school_client

    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 3)
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    made = deputy.post("/api/v1/lessons/make/", {"year": year.pk}, content_type="application/json")
    assert made.status_code == 200 and made.json()["created"] > 30
    listed = deputy.get(f"/api/v1/lessons/?class={five_a.pk}&from=2026-09-01&to=2026-09-30")
    assert [lesson["date"] for lesson in listed.json()] == [
        "2026-09-02", "2026-09-09", "2026-09-16", "2026-09-23", "2026-09-30"
    ]  # fmt: skip
    assert deputy.get("/api/v1/lessons/?from=2026-09-01&to=2028-01-01").status_code == 400
    assert deputy.get("/api/v1/lessons/?from=x&to=2026-09-01").status_code == 400
    teacher_client = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert (
        teacher_client.post(
            "/api/v1/lessons/make/", {"year": year.pk}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_substitute_takes_the_lesson_and_its_rights(school_a):
    from otmetka.accounts.roles import SchoolRole
    from tenants.audit.models import AuditRecord
    from tenants.people import selectors
    from tests.factories import school_client

    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        student = kit.enrol(five_a, "Заменов")
        _entry(teacher, five_a, 3)
        other_class = kit.school_class(letter="Б")
        substitute, _ = kit.teacher_account(school_a, SchoolRole.SUBJECT_TEACHER, "Заменяющая")
        kit.teach(substitute, other_class)
        busy = _entry(substitute, other_class, 3, number=1)
        lessons_make(ctx=kit.CTX, year=year)
        lesson = Lesson.objects.get(entry__school_class=five_a, date=date(2026, 9, 9))
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as clash:  # the substitute teaches 5Б then
            services.substitution_register(
                ctx=kit.CTX, lesson=lesson, substitute=substitute, reason="болезнь"
            )
        assert "5Б" in clash.value.message_dict["substitute"][0]
        services.timetable_entry_delete(ctx=kit.CTX, entry=busy)
        Lesson.objects.filter(entry__isnull=True, school_class=other_class).delete()
        services.substitution_register(
            ctx=kit.CTX, lesson=lesson, substitute=substitute, reason="Болезнь учителя"
        )
        assert AuditRecord.objects.filter(action="lesson.substitute").exists()
        visible_that_day = selectors.taught_student_ids(substitute, date(2026, 9, 9))
        visible_next_day = selectors.taught_student_ids(substitute, date(2026, 9, 10))
        assert student.pk in {row["pk"] for row in visible_that_day}
        assert student.pk not in {row["pk"] for row in visible_next_day}
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    moved = deputy.post(
        f"/api/v1/lessons/{lesson.pk}/move/",
        {"date": "2026-09-12", "number": 5, "reason": "Экскурсия"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["moved_from"] == "2026-09-09"
    no_reason = deputy.post(
        f"/api/v1/lessons/{lesson.pk}/substitute/",
        {"substitute": substitute.pk, "reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 400


def test_a_substitution_recorded_at_entry_keeps_its_flag(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 3)
        lessons_make(ctx=kit.CTX, year=year)
        lesson = Lesson.objects.filter(school_class=five_a).order_by("date").first()
        substitute = kit.staff("Вошедшая")
        services.substitution_register(
            ctx=kit.CTX, lesson=lesson, substitute=substitute, reason="урок провёл", at_entry=True
        )
        lesson.refresh_from_db()
        assert lesson.substitute == substitute and lesson.substituted_at_entry
        # a re-make of the timetable leaves a lesson with journal data (and its flag) alone
        Lesson.objects.filter(pk=lesson.pk).update(has_journal_data=True)
        lessons_make(ctx=kit.CTX, year=year)
        lesson.refresh_from_db()
        assert lesson.substitute == substitute and lesson.substituted_at_entry
