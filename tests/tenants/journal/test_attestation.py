"""Make-ups (JRN-15), the downgrade notice (JRN-12), exam results (JRN-14) and the summary sheet
kept current (JRN-13)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period, WorkType
from tenants.journal import attestation, services
from tenants.journal import period_marks as pm
from tenants.journal.models import Attendance
from tests.factories import school_client
from tests.tenants.journal.test_journal_rules import journal, moscow
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def test_a_makeup_goes_under_the_missed_topic_and_keeps_the_absence(school_a):
    with schema_context(school_a.schema_name):
        teacher, _, (a, b), lesson = journal()
        services.journal_save(
            ctx=kit.CTX, author=teacher,
            attendance=[services.AttendanceChange(lesson.pk, a.pk, "Б"),
                        services.AttendanceChange(lesson.pk, b.pk, "НП")],
        )  # fmt: skip
        oral = WorkType.objects.get(code="oral")
        args = {"ctx": kit.CTX, "author": teacher, "lesson": lesson, "work_type": oral,
                "value": "4", "protocol": "3", "protocol_date": date(2026, 9, 20)}  # fmt: skip
        with pytest.raises(ValidationError) as refused:  # an unexcused absence: no make-up
            attestation.makeup_record(student=b, **args)
        assert "lesson" in refused.value.message_dict
        mark = attestation.makeup_record(student=a, **args)
        assert "протоколу № 3 от 20.09.2026" in mark.comment and mark.task.lesson == lesson
        absence = Attendance.objects.get(lesson=lesson, student=a)
        assert absence.code.code == "Б" and "отработано" in absence.note
        assert AuditRecord.objects.filter(action="journal.makeup").exists()


def test_the_downgrade_notice_is_recorded_and_flagged_when_late(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, _), _ = journal()
        period = Period.objects.get(name="1 четверть")
        early = attestation.downgrade_notice(
            ctx=kit.CTX, author=teacher, school_class=five_a, student=a, subject=kit.maths(),
            period=period, intended="3", average=Decimal("3.60"),
            reason="не сданы две контрольные", today=date(2026, 10, 1),
        )  # fmt: skip
        assert early.lessons_left >= 3 and not early.is_late
        late = attestation.downgrade_notice(
            ctx=kit.CTX, author=teacher, school_class=five_a, student=a, subject=kit.maths(),
            period=period, intended="3", average=Decimal("3.60"), reason="то же",
            today=date(2026, 10, 19),
        )  # fmt: skip
        assert late.lessons_left < 3 and late.is_late


def test_exam_results_and_the_summary_sheet(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), _ = journal()
        period = Period.objects.get(name="1 четверть")
        with pytest.raises(ValidationError):
            attestation.exam_result_record(
                ctx=kit.CTX, author=teacher, student=a, subject=kit.maths(), kind="ege",
                held_on=date(2027, 5, 30), score=140,
            )  # fmt: skip
        result = attestation.exam_result_record(
            ctx=kit.CTX, author=teacher, student=a, subject=kit.maths(), kind="interim",
            held_on=date(2027, 5, 20), value="4",
        )  # fmt: skip
        assert result.pk
        pm.period_marks_save(
            ctx=kit.CTX, author=teacher, school_class=five_a, group=None, subject=kit.maths(),
            period=period, changes=[pm.PeriodMarkChange(a.pk, value="5"),
                                    pm.PeriodMarkChange(b.pk, notation="not_attested")],
            now=moscow(date(2026, 10, 20), 12),
        )  # fmt: skip
        sheet = attestation.summary_sheet(five_a)
        maths = kit.maths()
        assert sheet.cells[(a.pk, maths.pk, period.pk)] == "5"
        assert sheet.cells[(b.pk, maths.pk, period.pk)] == "н/а"
        _, lead_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Руководова")
        from tenants.people.models import Staff

        five_a.class_teacher = Staff.objects.get(user_id=lead_user.pk)
        five_a.save(update_fields=["class_teacher"])
    lead = school_client(school_a)
    lead.force_login(lead_user)
    sheet = lead.get(f"/api/v1/journal/summary/?class={five_a.pk}")
    assert sheet.status_code == 200
    rows = {r["student"]: r["marks"][str(maths.pk)][str(period.pk)] for r in sheet.json()["rows"]}
    assert rows == {a.pk: "5", b.pk: "н/а"}
    teacher_only = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher_only.get(f"/api/v1/journal/summary/?class={five_a.pk}").status_code == 403
    assert lead.get("/api/v1/journal/summary/?class=x").status_code == 400


def test_year_marks_predicted_from_the_period_marks(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), _ = journal()
        first, second = Period.objects.get(name="1 четверть"), Period.objects.get(name="2 четверть")
        for period, value, day in ((first, "5", date(2026, 10, 20)),
                                   (second, "4", date(2026, 12, 22))):  # fmt: skip
            pm.period_marks_save(
                ctx=kit.CTX, author=teacher, school_class=five_a, group=None,
                subject=kit.maths(), period=period,
                changes=[pm.PeriodMarkChange(a.pk, value=value)], now=moscow(day, 12),
            )  # fmt: skip
        sheet = attestation.summary_sheet(five_a)
        assert sheet.predicted_year[(a.pk, kit.maths().pk)] == "5"  # mean 4.5 rounds up
        with pytest.raises(ValidationError) as early:  # the last quarter's window is in May
            pm.year_marks_save(
                ctx=kit.CTX, author=teacher, school_class=five_a, group=None,
                subject=kit.maths(), kind="year", changes=[pm.YearMarkChange(a.pk, value="5")],
                now=moscow(date(2027, 3, 1), 12),
            )  # fmt: skip
        assert "year_marks[0]" in early.value.message_dict
        pm.year_marks_save(
            ctx=kit.CTX, author=teacher, school_class=five_a, group=None, subject=kit.maths(),
            kind="year", changes=[pm.YearMarkChange(a.pk, value="5"),
                                  pm.YearMarkChange(b.pk, notation="exempt")],
            now=moscow(date(2027, 5, 20), 12),
        )  # fmt: skip
        sheet = attestation.summary_sheet(five_a)
        assert sheet.year[(a.pk, kit.maths().pk)] == "5"
        assert sheet.year[(b.pk, kit.maths().pk)] == "осв"
        assert AuditRecord.objects.filter(action="journal.year_mark").count() == 2
