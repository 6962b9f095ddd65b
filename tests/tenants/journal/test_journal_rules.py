"""The journal's rules: a mark needs a task with a work type; late entries are saved and flagged;
changes after the deadline need a reason; a bad cell refuses the whole save and is named; a
concurrent edit is reported, not lost; a closed period refuses; the wrong teacher is refused;
every saved cell has its audit record on an intact chain."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.audit.chain import audit_verify
from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period, WorkType
from tenants.journal import services
from tenants.journal.models import Attendance, LessonRecord, Mark
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.tenants.people import kit
from tests.tenants.timetable.test_lessons import _entry, _school

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 9, 7)


def moscow(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 3, tzinfo=UTC)  # school A: UTC+3


def journal():
    """5А maths on Mondays, taught by Датова; two pupils; the year's lessons."""
    year, teacher, five_a = _school()
    _entry(teacher, five_a, 1)
    lessons_make(ctx=kit.CTX, year=year)
    pupils = [kit.enrol(five_a, "Аникин"), kit.enrol(five_a, "Борисов")]
    lesson = Lesson.objects.get(school_class=five_a, date=MONDAY)
    return teacher, five_a, pupils, lesson


def task(lesson, teacher, code="oral"):
    return services.task_add(
        ctx=kit.CTX, lesson=lesson, work_type=WorkType.objects.get(code=code), author=teacher
    )


def test_a_mark_needs_a_task_with_a_work_type(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, _, lesson = journal()
        with pytest.raises(ValidationError) as refused:
            services.task_add(ctx=kit.CTX, lesson=lesson, work_type=None, author=teacher)
        assert "work_type" in refused.value.message_dict
        with pytest.raises(ValidationError) as no_task:
            services.journal_save(
                ctx=kit.CTX, author=teacher, marks=[services.MarkChange(999999, 1, "5")]
            )
        assert "marks[0].task" in no_task.value.message_dict


def test_a_late_mark_is_saved_and_flagged(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, (a, b), lesson = journal()
        oral, written = task(lesson, teacher), task(lesson, teacher, "written")
        # oral marks are due on the lesson day; written ones within 7 days
        result = services.journal_save(
            ctx=kit.CTX,
            author=teacher,
            marks=[services.MarkChange(oral.pk, a.pk, "5"),
                   services.MarkChange(written.pk, a.pk, "4")],
            now=moscow(date(2026, 9, 8), 10),
        )  # fmt: skip
        assert result.saved == 2 and result.conflicts == []
        late = {m.task_id: m.is_late for m in Mark.objects.all()}
        assert late == {oral.pk: True, written.pk: False}
        on_time = services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, b.pk, "3")],
            now=moscow(MONDAY, 23),
        )  # fmt: skip
        assert not on_time.marks[0].is_late
        lesson.refresh_from_db()
        assert lesson.has_journal_data  # a re-make of the timetable leaves it alone


def test_a_change_after_the_deadline_needs_a_reason(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, (a, _), lesson = journal()
        oral = task(lesson, teacher)
        first = services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, a.pk, "3")],
            now=moscow(MONDAY, 12),
        )  # fmt: skip
        version = first.marks[0].version
        later = moscow(date(2026, 9, 9), 9)
        with pytest.raises(ValidationError) as refused:
            services.journal_save(
                ctx=kit.CTX, author=teacher,
                marks=[services.MarkChange(oral.pk, a.pk, "4", version=version)], now=later,
            )  # fmt: skip
        assert "marks[0].reason" in refused.value.message_dict
        services.journal_save(
            ctx=kit.CTX, author=teacher, now=later,
            marks=[services.MarkChange(oral.pk, a.pk, "4", version=version,
                                       reason="ошибка при вводе")],
        )  # fmt: skip
        record = AuditRecord.objects.filter(action="journal.mark_change").get()
        assert record.old["value"] == "3" and record.new["value"] == "4"
        assert record.reason == "ошибка при вводе"


def test_a_bad_cell_writes_nothing_and_is_named(school_a):
    with schema_context(school_a.schema_name):
        teacher, _five_a, (a, b), lesson = journal()
        oral = task(lesson, teacher)
        outsider = kit.enrol(kit.school_class(letter="Б"), "Чужой")
        before = AuditRecord.objects.count()
        with pytest.raises(ValidationError) as refused:
            services.journal_save(
                ctx=kit.CTX,
                author=teacher,
                marks=[services.MarkChange(oral.pk, a.pk, "5"),
                       services.MarkChange(oral.pk, b.pk, "6"),
                       services.MarkChange(oral.pk, outsider.pk, "4")],
                attendance=[services.AttendanceChange(lesson.pk, a.pk, "XX")],
            )  # fmt: skip
        fields = refused.value.message_dict
        assert "marks[1].value" in fields and "marks[2].student" in fields
        assert "attendance[0].code" in fields
        assert "1, 2, 3, 4, 5" in fields["marks[1].value"][0]
        assert not Mark.objects.exists() and not Attendance.objects.exists()
        assert AuditRecord.objects.count() == before


def test_a_concurrent_edit_is_reported_not_lost(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), lesson = journal()
        colleague = kit.staff("Соведущая")
        kit.teach(colleague, five_a)  # a co-teacher of maths in 5А
        oral = task(lesson, teacher)
        now = moscow(MONDAY, 12)
        read = services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, a.pk, "3")], now=now
        ).marks[0]
        # the colleague changes it first…
        services.journal_save(
            ctx=kit.CTX, author=colleague, now=now,
            marks=[services.MarkChange(oral.pk, a.pk, "4", version=read.version)],
        )  # fmt: skip
        # …then the teacher saves what they read, with another cell
        result = services.journal_save(
            ctx=kit.CTX, author=teacher, now=now,
            marks=[services.MarkChange(oral.pk, a.pk, "5", version=read.version),
                   services.MarkChange(oral.pk, b.pk, "5")],
        )  # fmt: skip
        assert [c.current["value"] for c in result.conflicts] == ["4"]
        stored = {m.student_id: m.value for m in Mark.objects.all()}
        assert stored == {a.pk: "4", b.pk: "5"}  # not overwritten; the other cell saved
        # an empty cell someone filled meanwhile is a conflict too
        clash = services.journal_save(
            ctx=kit.CTX, author=colleague, now=now, marks=[services.MarkChange(oral.pk, b.pk, "2")]
        )
        assert clash.conflicts[0].current["value"] == "5"


def test_attendance_topic_and_notes(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, (a, b), lesson = journal()
        result = services.journal_save(
            ctx=kit.CTX,
            author=teacher,
            attendance=[services.AttendanceChange(lesson.pk, a.pk, "Б"),
                        services.AttendanceChange(lesson.pk, b.pk, "ОП", late_minutes=10,
                                                  note="без сменной обуви")],
            topics=[services.TopicChange(lesson.pk, "Натуральные числа")],
            now=moscow(MONDAY, 9),
        )  # fmt: skip
        assert result.saved == 3
        rows = {
            r.student_id: (r.code.code, r.late_minutes, r.note) for r in Attendance.objects.all()
        }
        assert rows == {a.pk: ("Б", None, ""), b.pk: ("ОП", 10, "без сменной обуви")}
        assert LessonRecord.objects.get(lesson=lesson).topic == "Натуральные числа"
        with pytest.raises(ValidationError) as refused:  # 90 minutes at most
            services.journal_save(
                ctx=kit.CTX, author=teacher, now=moscow(MONDAY, 9),
                attendance=[services.AttendanceChange(lesson.pk, a.pk, "ОП", late_minutes=200,
                                                      version=1)],
            )  # fmt: skip
        assert "attendance[0].late_minutes" in refused.value.message_dict


def test_a_closed_period_refuses_and_the_wrong_teacher_is_refused(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, (a, _), lesson = journal()
        oral = task(lesson, teacher)
        stranger = kit.staff("Посторонняя")
        with pytest.raises(PermissionDenied):
            services.journal_save(
                ctx=kit.CTX, author=stranger, marks=[services.MarkChange(oral.pk, a.pk, "5")]
            )
        Period.objects.filter(name="1 четверть").update(closed_at=timezone.now())
        with pytest.raises(ValidationError) as locked:
            services.journal_save(
                ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, a.pk, "5")]
            )
        assert "1 четверть" in locked.value.message_dict["marks[0]"][0]
        # reopened until a moment: open before it, locked from it on (Period.is_locked)
        until = timezone.now() + timedelta(hours=1)
        Period.objects.filter(name="1 четверть").update(reopened_until=until)
        open_before = services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, a.pk, "5")],
            now=until - timedelta(seconds=1),
        )  # fmt: skip
        assert open_before.saved == 1
        with pytest.raises(ValidationError) as at_the_end:
            services.journal_save(
                ctx=kit.CTX, author=teacher,
                marks=[services.MarkChange(oral.pk, a.pk, "4", version=1, reason="описка")],
                now=until,
            )  # fmt: skip
        assert "1 четверть" in at_the_end.value.message_dict["marks[0]"][0]


def test_a_substitute_writes_that_lesson(school_a):
    from tenants.timetable import services as timetable

    with schema_context(school_a.schema_name):
        _teacher, _, (a, _), lesson = journal()
        substitute = kit.staff("Заменяющая")
        timetable.substitution_register(
            ctx=kit.CTX, lesson=lesson, substitute=substitute, reason="болезнь"
        )
        result = services.journal_save(
            ctx=kit.CTX, author=substitute,
            attendance=[services.AttendanceChange(lesson.pk, a.pk, "Н")],
        )  # fmt: skip
        assert result.saved == 1


def test_bulk_audit_records_keep_the_chain_intact(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, pupils, lesson = journal()
        pupils += [kit.enrol(five_a, f"Ученик{'аб'[i % 2]}{'вгдежзиклм'[i]}") for i in range(10)]
        tasks = [task(lesson, teacher), task(lesson, teacher, "written")]
        before = AuditRecord.objects.count()
        result = services.journal_save(
            ctx=kit.CTX,
            author=teacher,
            marks=[services.MarkChange(t.pk, p.pk, "4") for t in tasks for p in pupils],
        )
        assert result.saved == 24 == AuditRecord.objects.count() - before
        report = audit_verify(AuditRecord)
        assert report.ok, report
        added = AuditRecord.objects.filter(action="journal.mark_add")
        assert {r.object_id for r in added} == {str(m.pk) for m in Mark.objects.all()}


def test_a_tampered_journal_audit_record_is_found_by_audit_verify(school_a):
    from click.testing import CliRunner

    from otmetka.cli import main

    with schema_context(school_a.schema_name):
        teacher, _, (a, b), lesson = journal()
        oral = task(lesson, teacher)
        services.journal_save(
            ctx=kit.CTX, author=teacher,
            marks=[services.MarkChange(oral.pk, a.pk, "2"),
                   services.MarkChange(oral.pk, b.pk, "3")],
        )  # fmt: skip
        record = AuditRecord.objects.filter(action="journal.mark_add").order_by("id").first()
        # someone edits the log to hide a "2"
        AuditRecord.objects.filter(pk=record.pk).update(new={**record.new, "value": "5"})
    result = CliRunner().invoke(main, ["audit", "verify", "--school", school_a.slug])
    assert result.exit_code == 1
    assert f"BROKEN at record {record.pk} (content does not match its hash)" in result.output
