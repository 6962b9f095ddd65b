"""The demo schools get a full, clash-free week, the year's lessons and lesson plans, and a term
of journal data (marks, absences, topics) with an intact audit chain."""

import pytest
from click.testing import CliRunner
from django.db.models import Count, Sum
from django_tenants.utils import schema_context

from otmetka.cli import main
from otmetka.region.models import School

pytestmark = pytest.mark.django_db


def test_demo_timetables_and_a_term_of_the_journal():
    from otmetka.audit.chain import audit_verify
    from tenants.audit.models import AuditRecord
    from tenants.journal.models import Attendance, LessonRecord, Mark, PeriodMark
    from tenants.people.models import SchoolClass
    from tenants.timetable.models import CurriculumLine, Lesson, LessonPlan, TimetableEntry

    assert CliRunner().invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    schools = list(School.objects.filter(slug__in=["school-1", "school-16", "lyceum-21"]))
    assert len(schools) == 3, [school.slug for school in schools]
    for school in schools:
        with schema_context(school.schema_name):
            entries = TimetableEntry.objects.all()
            assert entries.count() > 300, school.slug
            for fields in (("teacher", "weekday", "number"), ("school_class", "weekday", "number"),
                           ("room", "weekday", "number")):  # fmt: skip
                twice = (
                    entries.exclude(**{f"{fields[0]}__isnull": True})
                    .values(*fields)
                    .annotate(n=Count("pk"))
                    .filter(n__gt=1)
                )
                assert not twice.exists(), (school.slug, fields)
            # nearly every curriculum hour found a place in the week
            by_grade = dict(CurriculumLine.objects.values_list("grade").annotate(h=Sum("hours")))
            wanted = sum(min(34, int(by_grade.get(c.grade, 0))) for c in SchoolClass.objects.all())
            assert entries.count() >= 0.95 * wanted, (school.slug, entries.count(), wanted)
            assert Lesson.objects.count() > 30 * entries.count()
            plan = LessonPlan.objects.annotate(n=Count("topics")).filter(n__gt=0).first()
            assert plan is not None
            assert Lesson.objects.filter(plan_topic__plan=plan).exists()
            # a term of the journal: marks in most classes, some absences, topics; audited
            marked = Mark.objects.values("task__lesson__school_class").distinct().count()
            assert marked >= 0.8 * SchoolClass.objects.filter(grade__gte=2).count()
            assert Attendance.objects.filter(code__code="Б").exists()
            assert LessonRecord.objects.exists()
            assert AuditRecord.objects.filter(action="journal.mark_add").count() == (
                Mark.objects.count()
            )
            assert audit_verify(AuditRecord).ok
            if school.slug == "school-1":  # quarters: the first ended on 25 October
                assert PeriodMark.objects.filter(period__number=1).count() > 300
    # the demo family: a guardian with a child in each of two schools sees both diaries
    from otmetka.accounts.models import User
    from tenants.diary.family import family_of
    from tests.factories import region_client

    parent = User.objects.get(username="parent")
    assert len({c.school.slug for c in family_of(parent.pk).children}) == 2
    week = region_client(parent).get("/api/v1/diary/week/", {"date": "2026-11-16"}).json()
    assert len(week["children"]) == 2
    assert any(day["lessons"] for child in week["children"] for day in child["days"])
