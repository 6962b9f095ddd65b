"""Make-ups (JRN-15), the downgrade notice (JRN-12), exam results (JRN-14) and the summary sheet
kept current (JRN-13)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import SchoolRole, Scope, scopes_for
from tenants.audit.models import AuditRecord
from tenants.configuration import services as configuration
from tenants.configuration.models import Notation, Period, WorkType
from tenants.journal import attestation, services
from tenants.journal import period_marks as pm
from tenants.journal.models import Attendance, DowngradeNotice, ExamResult
from tenants.people import services as people
from tests.factories import school_client
from tests.tenants.journal.test_journal_api import _setup
from tests.tenants.journal.test_journal_rules import journal, moscow, task
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
TEACHER = Caller(user_id=1, scopes=scopes_for((), (SchoolRole.SUBJECT_TEACHER,)))
DEPUTY = Caller(user_id=2, scopes=scopes_for((), (SchoolRole.DEPUTY,)))


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
        made = AuditRecord.objects.get(action="journal.makeup")
        assert made.object_id == str(mark.pk) and made.new["task"] == mark.task_id
        assert made.new["entered_by"] == teacher.pk and made.new["value"] == "4"
        note = AuditRecord.objects.get(action="journal.attendance_change", object_id=absence.pk)
        assert note.old["note"] == "" and note.new["note"] == "отработано"
        assert note.reason == made.reason == "Отработка по протоколу № 3 от 20.09.2026"
        stranger = kit.staff("Посторонняя")  # teaches nothing here
        with pytest.raises(PermissionDenied):
            attestation.makeup_record(student=a, **(args | {"author": stranger}))


def test_the_downgrade_notice_is_recorded_and_flagged_when_late(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, _), lesson = journal()
        period = Period.objects.get(name="1 четверть")
        oral, control = task(lesson, teacher), task(lesson, teacher, "control")
        services.journal_save(
            ctx=kit.CTX, author=teacher,
            marks=[services.MarkChange(oral.pk, a.pk, "3"),
                   services.MarkChange(control.pk, a.pk, "5")],
        )  # fmt: skip
        weights = {w.code: w.weight for w in WorkType.objects.filter(code__in=["oral", "control"])}
        expected = (3 * weights["oral"] + 5 * weights["control"]) / sum(weights.values())
        notice = {"ctx": kit.CTX, "author": teacher, "school_class": five_a, "student": a,
                  "subject": kit.maths(), "period": period}  # fmt: skip
        early = attestation.downgrade_notice(
            **notice, intended="3", reason="не сданы две контрольные", today=date(2026, 10, 1)
        )
        assert early.lessons_left >= 3 and not early.is_late
        # the server's average, by work type weight (the client sends none)
        assert weights["oral"] != weights["control"]
        assert early.average == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)
        late = attestation.downgrade_notice(
            **notice, intended="3", reason="то же", today=date(2026, 10, 19)
        )
        assert late.lessons_left < 3 and late.is_late
        with pytest.raises(ValidationError) as off_scale:
            attestation.downgrade_notice(**notice, intended="7", reason="x")
        assert "intended" in off_scale.value.message_dict
        assert DowngradeNotice.objects.count() == 2


def test_exam_results_and_the_summary_sheet(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), _ = journal()
        period = Period.objects.get(name="1 четверть")
        with pytest.raises(ValidationError):
            attestation.exam_result_record(
                ctx=kit.CTX, caller=TEACHER, author=teacher, student=a, subject=kit.maths(),
                kind="ege", held_on=date(2027, 5, 30), score=140,
            )  # fmt: skip
        exam = {"ctx": kit.CTX, "caller": TEACHER, "author": teacher, "student": a,
                "subject": kit.maths(), "kind": "interim",
                "held_on": date(2027, 5, 20)}  # fmt: skip
        result = attestation.exam_result_record(**exam, value="4")
        stored = ExamResult.objects.get(pk=result.pk)
        assert (stored.value, stored.score, stored.entered_by) == ("4", None, teacher)
        record = AuditRecord.objects.get(action="journal.exam_result", object_id=result.pk)
        assert record.old is None and record.new["value"] == "4"
        assert record.new["student"] == a.pk and record.new["held_on"] == "2027-05-20"
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


def test_the_predicted_year_mark_is_on_each_subjects_own_scale(school_a):
    # given: maths on the default five-point scale; Russian on the school's three-level scale
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, _), _ = journal()
        maths = kit.maths()
        russian = configuration.subjects_add_from_catalogue(ctx=kit.CTX, codes=["russian"])[0]
        people.teaching_assign(
            ctx=kit.CTX, staff=teacher, subject=russian, school_class=five_a,
            date_from=kit.YEAR_START,
        )  # fmt: skip
        kit.three_level_scale(russian)
        first, second = Period.objects.get(name="1 четверть"), Period.objects.get(name="2 четверть")
        quarters = [
            (first, date(2026, 10, 20), {maths: "5", russian: "П"}),
            (second, date(2026, 12, 22), {maths: "4", russian: "Б"}),
        ]
        for period, day, values in quarters:
            for subject, value in values.items():
                pm.period_marks_save(
                    ctx=kit.CTX, author=teacher, school_class=five_a, group=None,
                    subject=subject, period=period,
                    changes=[pm.PeriodMarkChange(a.pk, value=value)], now=moscow(day, 12),
                )  # fmt: skip

        # when: the summary sheet, its queries counted
        with CaptureQueriesContext(connection) as queries:
            sheet = attestation.summary_sheet(five_a)

    # then: each subject's mean rounds on its own scale, named by that scale's codes
    assert sheet.predicted_year[(a.pk, maths.pk)] == "5"  # 4.5 of 2…5
    assert sheet.predicted_year[(a.pk, russian.pk)] == "П"  # 2.5 of 1…3: «повышенный»
    assert sheet.cells[(a.pk, russian.pk, first.pk)] == "П"
    assert len(queries) <= 8  # not per subject


def test_the_summary_sheet_shows_the_schools_own_notation_labels(school_a):
    # given: the school relabels «н/а»; a pupil not attested in the first quarter
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, _), _ = journal()
        period, maths = Period.objects.get(name="1 четверть"), kit.maths()
        configuration.notation_update(
            ctx=kit.CTX, notation=Notation.objects.get(code="not_attested"), label="не атт.",
            is_enabled=True,
        )  # fmt: skip
        pm.period_marks_save(
            ctx=kit.CTX, author=teacher, school_class=five_a, group=None, subject=maths,
            period=period, changes=[pm.PeriodMarkChange(a.pk, notation="not_attested")],
            now=moscow(date(2026, 10, 20), 12),
        )  # fmt: skip

        # when
        sheet = attestation.summary_sheet(five_a)

    # then: the sheet uses the school's label
    assert sheet.cells[(a.pk, maths.pk, period.pk)] == "не атт."


def test_exam_results_are_the_subject_teachers_and_the_administrations(school_a):
    # given: Журналова teaches maths in 5А; Словесникова teaches Russian there; Чужова maths in 5Б
    s = _setup(school_a)
    a, b, _ = s["students"]
    with schema_context(school_a.schema_name):
        russian = configuration.subjects_add_from_catalogue(ctx=kit.CTX, codes=["russian"])[0]
        linguist, linguist_user = kit.teacher_account(school_a, last_name="Словесникова")
        people.teaching_assign(
            ctx=kit.CTX, staff=linguist, subject=russian, school_class=s["class"],
            date_from=kit.YEAR_START,
        )  # fmt: skip
        other = kit.staff("Чужова")
        kit.teach(other, kit.school_class(letter="Б"))
        deputy = kit.staff("Завучева")
        maths = kit.maths()
    body = {"student": a.pk, "subject": maths.pk, "kind": "interim", "held_on": "2027-05-20",
            "value": "4"}  # fmt: skip
    linguist_client = school_client(school_a)
    linguist_client.force_login(linguist_user)

    # when: a teacher who does not teach maths records a maths result
    refused = linguist_client.post("/api/v1/journal/exam-results/", body, "application/json")

    # then: 403, nothing written
    assert refused.status_code == 403
    with schema_context(school_a.schema_name):
        assert not ExamResult.objects.exists()
        assert not AuditRecord.objects.filter(action="journal.exam_result").exists()
        with pytest.raises(PermissionDenied):  # maths, but in another class
            attestation.exam_result_record(
                ctx=kit.CTX, caller=TEACHER, author=other, student=a, subject=maths,
                kind="interim", held_on=date(2027, 5, 20), value="4",
            )  # fmt: skip

    # when: the maths teacher records it, then corrects it
    made = s["client"].post("/api/v1/journal/exam-results/", body, "application/json")
    again = s["client"].post(
        "/api/v1/journal/exam-results/", body | {"value": "5"}, "application/json"
    )

    # then: one result, the audit record of the correction holds the old and the new value
    assert made.status_code == 201 and again.status_code == 201, again.json()
    assert again.json()["id"] == made.json()["id"] and again.json()["value"] == "5"
    with schema_context(school_a.schema_name):
        assert ExamResult.objects.get().value == "5"
        first, second = AuditRecord.objects.filter(action="journal.exam_result").order_by("id")
        assert first.old is None and first.new["value"] == "4"
        assert second.old["value"] == "4" and second.new["value"] == "5"
        assert second.old["entered_by"] == second.new["entered_by"] == s["teacher"].pk
        # the administration records any student's result
        by_deputy = attestation.exam_result_record(
            ctx=kit.CTX, caller=DEPUTY, author=deputy, student=b, subject=russian, kind="oge",
            held_on=date(2027, 6, 1), score=30,
        )  # fmt: skip
        assert by_deputy.score == 30 and DEPUTY.has_any({Scope.JOURNAL_CORRECT})


def test_a_downgrade_notice_for_a_student_of_another_class_is_refused(school_a):
    # given: a pupil of 5Б, and marks of a 5А pupil
    s = _setup(school_a)
    a = s["students"][0]
    with schema_context(school_a.schema_name):
        outsider = kit.enrol(kit.school_class(letter="Б"), "Посторонний")
        period = Period.objects.get(name="1 четверть")
        services.journal_save(
            ctx=kit.CTX, author=s["teacher"],
            marks=[services.MarkChange(s["tasks"][0].pk, a.pk, "5"),
                   services.MarkChange(s["tasks"][1].pk, a.pk, "4")],
        )  # fmt: skip
        maths = kit.maths().pk
    body = {"school_class": s["class"].pk, "subject": maths, "period": period.pk,
            "intended": "3", "reason": "не сданы контрольные"}  # fmt: skip

    # when: the maths teacher of 5А notifies about the 5Б pupil
    refused = s["client"].post(
        "/api/v1/journal/downgrade-notices/", body | {"student": outsider.pk}, "application/json"
    )

    # then: 400 on the student, nothing written
    assert refused.status_code == 400 and "student" in refused.json()["fields"]
    with schema_context(school_a.schema_name):
        assert not DowngradeNotice.objects.exists()
        assert not AuditRecord.objects.filter(action="journal.downgrade_notice").exists()

    # when: about the 5А pupil, with a stale average from an older client
    made = s["client"].post(
        "/api/v1/journal/downgrade-notices/",
        body | {"student": a.pk, "average": "2.00"},
        "application/json",
    )

    # then: recorded with the server's average
    assert made.status_code == 201, made.json()
    assert made.json()["average"] == "4.50"
    with schema_context(school_a.schema_name):
        assert DowngradeNotice.objects.get().average == Decimal("4.50")
        record = AuditRecord.objects.get(action="journal.downgrade_notice")
        assert record.new["average"] == "4.50" and record.new["student"] == a.pk
