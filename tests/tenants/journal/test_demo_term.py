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
            # as the services write them: the audit viewer finds them by lesson
            assert (
                not AuditRecord.objects.filter(
                    action__in=["journal.mark_add", "journal.attendance_add"]
                )
                .exclude(new__has_key="lesson")
                .exists()
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


def test_loaded_rows_are_audited_as_the_services_audit_them(school_a):
    from datetime import date
    from decimal import Decimal

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tenants.audit.models import AuditRecord
    from tenants.configuration.models import Period, WorkType
    from tenants.journal import period_marks as pm
    from tenants.journal import services
    from tenants.journal.audit_view import Filters, journal_audit
    from tenants.journal.demo import journal_load
    from tenants.journal.models import (
        AbsenceCode,
        Attendance,
        LessonRecord,
        Mark,
        PeriodMark,
        Task,
    )
    from tenants.timetable.models import Lesson
    from tests.tenants.journal.test_journal_rules import journal, moscow
    from tests.tenants.people import kit

    # given: a topic, a task, a mark, an absence and a period mark saved by the services...
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), lesson = journal()
        period = Period.objects.get(name="1 четверть")
        oral = WorkType.objects.get(code="oral")
        other = Lesson.objects.filter(school_class=five_a, date__gt=lesson.date).earliest("date")
        real_task = services.task_add(ctx=kit.CTX, lesson=other, work_type=oral, author=teacher)
        services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(real_task.pk, b.pk, "4")],
            attendance=[services.AttendanceChange(other.pk, a.pk, "Б")],
            topics=[services.TopicChange(other.pk, "Дроби")],
        )  # fmt: skip
        pm.period_marks_save(
            ctx=kit.CTX, author=teacher, school_class=five_a, group=None, subject=lesson.subject,
            period=period, changes=[pm.PeriodMarkChange(b.pk, value="4")],
            now=moscow(date(2026, 10, 20), 12),
        )  # fmt: skip
        last = AuditRecord.objects.latest("id").pk

        # when: ...and the same kinds of rows loaded in bulk, as the demo loads them
        entered = moscow(lesson.date, 15)
        task = Task(lesson=lesson, work_type=oral, created_by=teacher)
        with transaction.atomic():
            journal_load(
                records=[LessonRecord(lesson=lesson, topic="Дроби", entered_at=entered,
                                      entered_by=teacher)],
                tasks=[task],
                attendance=[Attendance(lesson=lesson, student=b, entered_at=entered,
                                       code=AbsenceCode.objects.get(code="Б"),
                                       entered_by=teacher)],
                marks=[Mark(task=task, student=a, value="5", numeric=Decimal(5),
                            entered_at=entered, entered_by=teacher)],
                finals=[PeriodMark(student=a, subject=lesson.subject, school_class=five_a,
                                   period=period, value="5", numeric=Decimal(5),
                                   entered_at=entered, entered_by=teacher)],
            )  # fmt: skip
        journal_records = AuditRecord.objects.filter(action__startswith="journal.")
        real = {r.action: r for r in journal_records.filter(pk__lte=last)}
        loaded = {r.action: r for r in journal_records.filter(pk__gt=last)}
        with CaptureQueriesContext(connection) as queries:
            by_class = {r.pk for r in journal_audit(Filters(school_class=five_a, period=period))}
        by_lesson = {r.pk for r in journal_audit(Filters(lesson=lesson))}

    # then: the loaded rows' audit records hold what the services' do, and the viewer finds
    # them by lesson, and by class and period in one query
    assert set(loaded) == set(real) == {
        "journal.topic_set", "journal.task_add", "journal.attendance_add", "journal.mark_add",
        "journal.period_mark",
    }  # fmt: skip
    for action, record in loaded.items():
        assert set(record.new) == set(real[action].new), action
    mark = loaded["journal.mark_add"].new
    assert (mark["lesson"], mark["date"], mark["entered_by"]) == (
        lesson.pk, lesson.date.isoformat(), teacher.pk,
    )  # fmt: skip
    assert loaded["journal.task_add"].new["work_type"] == "oral"
    on_lesson = {loaded[x].pk for x in ("journal.topic_set", "journal.task_add",
                                        "journal.attendance_add", "journal.mark_add")}  # fmt: skip
    assert on_lesson <= by_lesson and on_lesson <= by_class
    assert len(queries) == 1
