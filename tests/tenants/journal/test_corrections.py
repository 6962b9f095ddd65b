"""Correction requests (AUD-02, AUD-03): a locked cell needs an approved correction; the deputy
approves (the change is written in the teacher's name, citing the request) or rejects with a
note; a teacher cannot approve; requests are listed per period and teacher."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period
from tenants.journal import services
from tenants.journal.models import Mark
from tests.factories import school_client
from tests.tenants.journal.test_journal_api import _setup
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def test_a_locked_cell_needs_an_approved_correction(school_a):
    s = _setup(school_a)
    a, b, _ = s["students"]
    task = s["tasks"][0]
    with schema_context(school_a.schema_name):
        services.journal_save(
            ctx=kit.CTX, author=s["teacher"], marks=[services.MarkChange(task.pk, a.pk, "3")]
        )
        period = Period.objects.get(name="1 четверть")
        Period.objects.filter(pk=period.pk).update(closed_at=timezone.now())
        subject = kit.maths()
    change = {"task": task.pk, "student": a.pk, "value": "4", "version": 1}
    refused = s["client"].post("/api/v1/journal/save/", {"marks": [change]}, "application/json")
    assert refused.status_code == 400 and "закрыт" in str(refused.json())
    body = {"school_class": s["class"].pk, "subject": subject.pk, "period": period.pk,
            "changes": {"marks": [change]}, "reason": "ошибка при переносе из тетради"}  # fmt: skip
    assert (
        s["client"].post("/api/v1/journal/corrections/", {**body, "reason": ""}, "application/json")
    ).status_code == 400
    filed = s["client"].post("/api/v1/journal/corrections/", body, "application/json")
    assert filed.status_code == 201, filed.json()
    number = filed.json()["id"]
    # the teacher sees their request; cannot approve it
    assert [r["id"] for r in s["client"].get("/api/v1/journal/corrections/").json()] == [number]
    assert s["client"].post(f"/api/v1/journal/corrections/{number}/approve/").status_code == 403
    with schema_context(school_a.schema_name):
        _, deputy_user = kit.teacher_account(school_a, SchoolRole.DEPUTY, "Завучева")
    deputy = school_client(school_a)
    deputy.force_login(deputy_user)
    listed = deputy.get(f"/api/v1/journal/corrections/?status=pending&period={period.pk}").json()
    assert [r["id"] for r in listed] == [number]
    approved = deputy.post(f"/api/v1/journal/corrections/{number}/approve/", {}, "application/json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "applied" and approved.json()["result"]["saved"] == 1
    with schema_context(school_a.schema_name):
        assert Mark.objects.get(task=task, student=a).value == "4"
        record = AuditRecord.objects.filter(action="journal.mark_change").last()
        assert f"запросу № {number}" in record.reason
        assert record.old["value"] == "3"
    again = deputy.post(f"/api/v1/journal/corrections/{number}/approve/", {}, "application/json")
    assert again.status_code == 400  # decided once
    # a rejection needs a note
    other = (
        s["client"]
        .post(
            "/api/v1/journal/corrections/",
            {**body, "changes": {"marks": [{"task": task.pk, "student": b.pk, "value": "5"}]}},
            "application/json",
        )
        .json()["id"]
    )
    url = f"/api/v1/journal/corrections/{other}/reject/"
    assert deputy.post(url, {}, "application/json").status_code == 400
    rejected = deputy.post(url, {"note": "нет подтверждения"}, "application/json")
    assert rejected.json()["status"] == "rejected"
    with schema_context(school_a.schema_name):
        assert not Mark.objects.filter(task=task, student=b).exists()


def test_a_request_outside_its_journal_is_refused(school_a):
    from tenants.journal import corrections

    s = _setup(school_a)
    with schema_context(school_a.schema_name):
        period = Period.objects.get(name="2 четверть")  # the tasks are in the first quarter
        with pytest.raises(ValidationError) as refused:
            corrections.correction_request(
                ctx=kit.CTX, author=s["teacher"], school_class=s["class"], group=None,
                subject=kit.maths(), period=period, reason="x",
                changes={"marks": [{"task": s["tasks"][0].pk, "student": 1, "value": "5"}]},
            )  # fmt: skip
        assert "changes.marks[0].task" in refused.value.message_dict
        with pytest.raises(ValidationError):
            corrections.correction_request(
                ctx=kit.CTX, author=s["teacher"], school_class=s["class"], group=None,
                subject=kit.maths(), period=period, reason="x", changes={"marks": [{"x": 1}]},
            )  # fmt: skip
