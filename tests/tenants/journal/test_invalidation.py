"""AUD-05/06: after a compromise, the account's journal operations from `since` on are undone:
new entries flagged invalid (and left out of averages), changes rolled back, removals restored,
every step audited; a second run changes nothing; a re-entry clears the flag."""

from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.activation import credentials_compromised
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period, WorkType
from tenants.journal import attestation, invalidation, services
from tenants.journal import period_marks as pm
from tenants.journal.models import Attendance, LessonRecord, Mark, PeriodMark
from tests.factories import school_client
from tests.tenants.journal.test_journal_api import _setup
from tests.tenants.journal.test_journal_rules import journal, moscow
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def test_operations_after_the_compromise_are_undone_and_audited(school_a):
    s = _setup(school_a)
    a, b, c = s["students"]
    task = s["tasks"][0]
    teacher = s["teacher"]
    user = teacher.user_id
    as_teacher = AuditContext(actor_id=user, actor_role="subject_teacher", source="api")
    with schema_context(school_a.schema_name):
        first = services.journal_save(
            ctx=as_teacher, author=teacher,
            marks=[services.MarkChange(task.pk, a.pk, "3"),
                   services.MarkChange(task.pk, c.pk, "4")],
            topics=[services.TopicChange(s["lessons"][0].pk, "Дроби")],
        )  # fmt: skip
        versions = {m.student_id: m.version for m in first.marks}
        since = timezone.now()
        # what the intruder did with the teacher's account
        services.journal_save(
            ctx=as_teacher, author=teacher,
            marks=[services.MarkChange(task.pk, a.pk, "5", version=versions[a.pk], reason="x"),
                   services.MarkChange(task.pk, b.pk, "5"),
                   services.MarkChange(task.pk, c.pk, "", version=versions[c.pk], reason="x")],
            attendance=[services.AttendanceChange(s["lessons"][0].pk, b.pk, "НП")],
            topics=[services.TopicChange(s["lessons"][0].pk, "Взлом", version=1, reason="x")],
        )  # fmt: skip
    from otmetka.accounts.models import User

    incident = credentials_compromised(user=User.objects.get(pk=user))
    director = school_client(school_a)
    with schema_context(school_a.schema_name):
        _, director_user = kit.teacher_account(school_a, SchoolRole.DIRECTOR, "Главная")
    director.force_login(director_user)
    too_late = director.post(
        "/api/v1/journal/invalidations/",
        {
            "staff": teacher.pk,
            "since": (incident.reported_at + timezone.timedelta(hours=1)).isoformat(),
        },
        "application/json",
    )
    assert too_late.status_code == 400 and "since" in too_late.json()["fields"]
    done = director.post(
        "/api/v1/journal/invalidations/",
        {"staff": teacher.pk, "since": since.isoformat()},
        "application/json",
    )
    assert done.status_code == 200, done.json()
    assert done.json() == {"invalidated": 2, "restored": 3}
    with schema_context(school_a.schema_name):
        marks = {m.student_id: (m.value, m.invalidated_at is not None) for m in Mark.objects.all()}
        assert marks == {a.pk: ("3", False), b.pk: ("5", True), c.pk: ("4", False)}
        assert Attendance.objects.get(student=b).invalidated_at is not None
        assert LessonRecord.objects.get(lesson=s["lessons"][0]).topic == "Дроби"
        assert AuditRecord.objects.filter(action="journal.invalidate").count() == 5
        # the list for re-entry, and the grid leaves the invalid mark out of the average
        listed = director.get("/api/v1/journal/invalidations/").json()
        assert [m["student"] for m in listed["marks"]] == [b.pk]
        again = invalidation.journal_invalidate(ctx=kit.CTX, user_id=user, since=since)
        assert (again.invalidated, again.restored) == (0, 0)
    grid = director.get(s["url"]).json()
    averages = {x["student"]: x["average"] for x in grid["averages"]}
    assert averages[b.pk] is None and averages[a.pk] == "3.00"
    assert [m["invalid"] for m in grid["marks"] if m["student"] == b.pk] == [True]
    # the teacher's account is blocked; a colleague re-enters the mark
    with schema_context(school_a.schema_name):
        colleague = kit.staff("Коллегова")
        kit.teach(colleague, s["class"])
        bad = Mark.objects.get(student=b)
        services.journal_save(
            ctx=kit.CTX, author=colleague,
            marks=[services.MarkChange(task.pk, b.pk, "4", version=bad.version, reason="повторно")],
        )  # fmt: skip
        bad.refresh_from_db()
        assert bad.value == "4" and bad.invalidated_at is None
    assert (
        director.post(
            "/api/v1/journal/invalidations/", {"staff": colleague.pk}, "application/json"
        ).status_code
        == 400
    )  # no compromise reported for that account


def test_a_mark_entered_and_removed_after_the_compromise_comes_back_flagged(school_a):
    s = _setup(school_a)
    a = s["students"][0]
    task = s["tasks"][0]
    teacher = s["teacher"]
    as_teacher = AuditContext(actor_id=teacher.user_id, actor_role="subject_teacher", source="api")
    with schema_context(school_a.schema_name):
        since = timezone.now()
        added = services.journal_save(
            ctx=as_teacher, author=teacher, marks=[services.MarkChange(task.pk, a.pk, "2")]
        ).marks[0]
        services.journal_save(
            ctx=as_teacher, author=teacher,
            marks=[services.MarkChange(task.pk, a.pk, "", version=added.version, reason="x")],
        )  # fmt: skip
        invalidation.journal_invalidate(ctx=kit.CTX, user_id=teacher.user_id, since=since)
        back = Mark.objects.get(task=task, student=a)
        assert back.value == "2" and back.invalidated_at is not None  # visible, struck through


def test_restored_marks_keep_their_author_and_a_makeup_is_undone(school_a):
    # given: a colleague's marks and an excused absence, entered before the compromise
    s = _setup(school_a)
    a, b, c = s["students"]
    first, second = s["tasks"][0], s["tasks"][1]
    lesson = s["lessons"][0]
    teacher = s["teacher"]
    as_teacher = AuditContext(actor_id=teacher.user_id, actor_role="subject_teacher", source="api")
    with schema_context(school_a.schema_name):
        colleague = kit.staff("Коллегова")
        kit.teach(colleague, s["class"])
        before = services.journal_save(
            ctx=kit.CTX, author=colleague,
            marks=[services.MarkChange(first.pk, a.pk, "4"),
                   services.MarkChange(first.pk, b.pk, "3"),
                   services.MarkChange(second.pk, c.pk, "5")],
            attendance=[services.AttendanceChange(lesson.pk, c.pk, "Б")],
        )  # fmt: skip
        version = {(m.task_id, m.student_id): m.version for m in before.marks}
        since = timezone.now()
        # when: the intruder removes one mark, changes another, empties and refills a cell...
        services.journal_save(
            ctx=as_teacher, author=teacher,
            marks=[services.MarkChange(first.pk, a.pk, "", version=version[(first.pk, a.pk)],
                                       reason="x"),
                   services.MarkChange(first.pk, b.pk, "2", version=version[(first.pk, b.pk)],
                                       reason="x"),
                   services.MarkChange(second.pk, c.pk, "", version=version[(second.pk, c.pk)],
                                       reason="x")],
        )  # fmt: skip
        services.journal_save(
            ctx=as_teacher, author=teacher, marks=[services.MarkChange(second.pk, c.pk, "2")]
        )
        # ...and credits a make-up of the missed lesson
        makeup = attestation.makeup_record(
            ctx=as_teacher, author=teacher, lesson=lesson, student=c,
            work_type=WorkType.objects.get(code="oral"), value="5", protocol="7",
            protocol_date=lesson.date,
        )  # fmt: skip
        report = invalidation.journal_invalidate(ctx=kit.CTX, user_id=teacher.user_id, since=since)

        # then: every cell is as before, credited to whoever entered it; the make-up is flagged
        cells = {
            (m.task_id, m.student_id): (m.value, m.entered_by_id, m.invalidated_at is not None)
            for m in Mark.objects.exclude(pk=makeup.pk)
        }
        assert cells == {
            (first.pk, a.pk): ("4", colleague.pk, False),
            (first.pk, b.pk): ("3", colleague.pk, False),
            (second.pk, c.pk): ("5", colleague.pk, False),
        }
        makeup.refresh_from_db()
        assert makeup.invalidated_at is not None
        absence = Attendance.objects.get(lesson=lesson, student=c)
        assert absence.note == "" and absence.code.code == "Б"
        # the make-up's mark and note, the change, the removal, the refill and the emptying
        assert (report.invalidated, report.restored) == (2, 4)
        undone = AuditRecord.objects.filter(pk__in=report.records)
        assert {"journal.makeup", "journal.attendance_change"} <= set(
            undone.values_list("action", flat=True)
        )


def test_period_marks_come_back_on_their_scale_with_their_deferrals(school_a):
    # given: 5А maths on a three-level scale; a pupil's period mark «П», another's deferral
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), _ = journal()
        maths = kit.maths()
        kit.three_level_scale(maths)
        save = partial(
            pm.period_marks_save, author=teacher, school_class=five_a, group=None, subject=maths,
            period=Period.objects.get(name="1 четверть"), now=moscow(date(2026, 10, 20), 12),
        )  # fmt: skip
        saved = save(
            ctx=kit.CTX,
            changes=[
                pm.PeriodMarkChange(a.pk, value="П"),
                pm.PeriodMarkChange(b.pk, defer_until=date(2026, 11, 10), defer_reason="болезнь"),
            ],
        )
        before = {m.student_id: m.version for m in saved}
        since = timezone.now()
        intruder = AuditContext(actor_id=424242, actor_role="subject_teacher", source="api")

        # when: with the compromised account, the one mark is deferred and the other deferral
        # moved; then the account's operations are undone
        save(
            ctx=intruder,
            changes=[pm.PeriodMarkChange(a.pk, defer_until=date(2026, 11, 20), defer_reason="x",
                                         version=before[a.pk]),
                     pm.PeriodMarkChange(b.pk, defer_until=date(2026, 11, 30), defer_reason="x",
                                         version=before[b.pk])],
        )  # fmt: skip
        report = invalidation.journal_invalidate(ctx=kit.CTX, user_id=424242, since=since)

        # then: «П» is back with the scale's value 3 and no deferral; the deferral is as it was
        marks = {m.student_id: m for m in PeriodMark.objects.all()}
        assert report.restored == 2
        restored = marks[a.pk]
        assert (restored.value, restored.numeric) == ("П", Decimal(3))
        assert (restored.deferred_until, restored.defer_reason) == (None, "")
        deferred = marks[b.pk]
        assert (deferred.value, deferred.numeric) == ("", None)
        assert (deferred.deferred_until, deferred.defer_reason) == (date(2026, 11, 10), "болезнь")
