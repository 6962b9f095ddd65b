"""Period marks (JRN-08…JRN-10, X-04, X-05, X-10): the window, late flags, notations, deferral
for illness past the lock, and the teacher's journal locked once all period marks are set."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period
from tenants.journal import period_marks as pm
from tenants.journal import services
from tenants.journal.models import PeriodMark
from tests.factories import school_client
from tests.tenants.journal.test_journal_rules import journal, moscow, task
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
END = date(2026, 10, 25)  # the first quarter's last day


def _save(teacher, five_a, period, changes, day):
    return pm.period_marks_save(
        ctx=kit.CTX, author=teacher, school_class=five_a, group=None, subject=kit.maths(),
        period=period, changes=changes, now=moscow(day, 12),
    )  # fmt: skip


def test_the_window_late_flags_and_notations(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), _ = journal()
        period = Period.objects.get(name="1 четверть")
        with pytest.raises(ValidationError) as early:  # the window opens 7 days before the end
            _save(
                teacher, five_a, period, [pm.PeriodMarkChange(a.pk, value="5")], date(2026, 10, 1)
            )
        assert "18.10.2026" in str(early.value)
        saved = _save(
            teacher,
            five_a,
            period,
            [pm.PeriodMarkChange(a.pk, value="5"), pm.PeriodMarkChange(b.pk, notation="exempt")],
            date(2026, 10, 20),
        )
        assert [(m.value, m.notation, m.is_late) for m in saved] == [
            ("5", "", False), ("", "exempt", False),
        ]  # fmt: skip
        with pytest.raises(ValidationError) as bad:
            _save(
                teacher,
                five_a,
                period,
                [
                    pm.PeriodMarkChange(a.pk, value="7", version=1),
                    pm.PeriodMarkChange(b.pk, notation="mastered", version=1, reason="x"),
                ],
                date(2026, 10, 21),
            )
        assert "period_marks[0]" in bad.value.message_dict  # not on the scale
        assert "period_marks[1]" in bad.value.message_dict  # a notation the school turned off
        # a change needs a reason; after the due day it is flagged late
        with pytest.raises(ValidationError):
            _save(
                teacher,
                five_a,
                period,
                [pm.PeriodMarkChange(a.pk, value="4", version=1)],
                date(2026, 10, 26),
            )
        changed = _save(
            teacher,
            five_a,
            period,
            [pm.PeriodMarkChange(a.pk, value="4", version=1, reason="пересдача")],
            date(2026, 10, 26),
        )
        assert changed[0].is_late and changed[0].version == 2
        record = AuditRecord.objects.filter(action="journal.period_mark").last()
        assert record.old["value"] == "5" and record.reason == "пересдача"


def test_all_period_marks_lock_the_journal_for_the_teacher(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, b), lesson = journal()
        oral = task(lesson, teacher)
        period = Period.objects.get(name="1 четверть")
        _save(teacher, five_a, period, [pm.PeriodMarkChange(a.pk, value="5")], date(2026, 10, 20))
        # one student still without a period mark: the journal stays open
        services.journal_save(
            ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, b.pk, "4")]
        )
        _save(teacher, five_a, period, [pm.PeriodMarkChange(b.pk, value="4")], date(2026, 10, 20))
        assert pm.teacher_locked(school_class=five_a, group=None, subject=kit.maths(),
                                 period=period)  # fmt: skip
        with pytest.raises(ValidationError) as locked:
            services.journal_save(
                ctx=kit.CTX, author=teacher, marks=[services.MarkChange(oral.pk, a.pk, "3")]
            )
        assert "запрос на исправление" in str(locked.value)


def test_a_deferral_for_illness_is_entered_after_the_close(school_a):
    with schema_context(school_a.schema_name):
        teacher, five_a, (a, _), _ = journal()
        period = Period.objects.get(name="1 четверть")
        with pytest.raises(ValidationError):  # a deferral needs a later date and a reason
            _save(
                teacher,
                five_a,
                period,
                [pm.PeriodMarkChange(a.pk, defer_until=date(2026, 10, 20))],
                date(2026, 10, 20),
            )
        _save(
            teacher,
            five_a,
            period,
            [
                pm.PeriodMarkChange(
                    a.pk, defer_until=date(2026, 11, 20), defer_reason="болезнь, справка № 14"
                )
            ],
            date(2026, 10, 20),
        )
        Period.objects.filter(pk=period.pk).update(closed_at=timezone.now())
        period.refresh_from_db()
        late_entry = _save(
            teacher,
            five_a,
            period,
            [pm.PeriodMarkChange(a.pk, value="4", version=1)],
            date(2026, 11, 18),
        )
        assert late_entry[0].value == "4" and not late_entry[0].is_late
        assert PeriodMark.objects.get(student=a).deferred_until == date(2026, 11, 20)


def test_period_marks_through_the_api_and_the_grid(school_a):
    from tests.tenants.journal.test_journal_api import _setup

    s = _setup(school_a)
    with schema_context(school_a.schema_name):
        period = Period.objects.get(name="1 четверть")
        subject = kit.maths()
        # the window must be open today for the HTTP call: move this test's period around today
        today = timezone.localdate()
        Period.objects.filter(pk=period.pk).update(end=today)
    body = {"school_class": s["class"].pk, "subject": subject.pk, "period": period.pk,
            "marks": [{"student": s["students"][0].pk, "value": "5"}]}  # fmt: skip
    stranger = school_client(school_a, "subject_teacher")
    assert (
        stranger.post("/api/v1/journal/period-marks/", body, "application/json").status_code == 403
    )
    saved = s["client"].post("/api/v1/journal/period-marks/", body, "application/json")
    assert saved.status_code == 200, saved.json()
    grid = s["client"].get(s["url"]).json()
    assert [(m["student"], m["value"]) for m in grid["period_marks"]] == [
        (s["students"][0].pk, "5")
    ]
    assert grid["period"]["locked_for_teacher"] is False
    bad = s["client"].post(
        "/api/v1/journal/period-marks/",
        {**body, "marks": [{"student": s["students"][1].pk, "value": "9"}]},
        "application/json",
    )
    assert bad.status_code == 400 and "period_marks[0]" in bad.json()["fields"]
