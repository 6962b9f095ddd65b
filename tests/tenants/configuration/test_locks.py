"""Period locks (CFG-12, X-05, N-05): manual close, automatic close, reopen with a reason."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.configuration import services
from tenants.configuration.models import Period
from tenants.configuration.tasks import periods_auto_close_task
from tests.factories import school_client
from tests.tenants.configuration.test_year_and_periods import QUARTERS, make_year, with_holidays

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _quarters():
    year = make_year()
    with_holidays(year)
    services.period_structure_save(
        ctx=CTX, year=year, name="Четверти", grade_from=1, grade_to=9, periods=QUARTERS
    )
    return list(Period.objects.order_by("start"))


def test_a_period_closes_only_after_its_end(school_a):
    with schema_context(school_a.schema_name):
        first = _quarters()[0]  # ends 25.10.2026
        with pytest.raises(ValidationError) as early:
            services.period_close(ctx=CTX, period=first, now=_at(date(2026, 10, 25)))
        assert "period" in early.value.message_dict
        closed = services.period_close(ctx=CTX, period=first, now=_at(date(2026, 10, 26)))
        assert closed.is_locked(_at(date(2026, 10, 27)))
        assert closed.close_source == "manual"
        with pytest.raises(ValidationError):
            services.period_close(ctx=CTX, period=first, now=_at(date(2026, 10, 27)))


def test_reopen_needs_a_reason_and_lasts_at_most_48_hours(school_a):
    with schema_context(school_a.schema_name):
        first = _quarters()[0]
        now = _at(date(2026, 10, 26))
        with pytest.raises(ValidationError) as not_closed:
            services.period_reopen(ctx=CTX, period=first, reason="ошибка", now=now)
        assert "period" in not_closed.value.message_dict
        services.period_close(ctx=CTX, period=first, now=now)
        with pytest.raises(ValidationError) as errors:
            services.period_reopen(ctx=CTX, period=first, reason=" ", hours=49, now=now)
        assert {"reason", "hours"} <= set(errors.value.message_dict)
        reopened = services.period_reopen(
            ctx=CTX, period=first, reason="Исправление по заявлению", hours=24, now=now
        )
        assert not reopened.is_locked(now + timedelta(hours=23))
        assert reopened.is_locked(now + timedelta(hours=24))
        record = AuditRecord.objects.get(action="period.reopen")
        assert record.reason == "Исправление по заявлению"


def test_auto_close_follows_the_regulation(school_a):
    with schema_context(school_a.schema_name):
        first, second, *_ = _quarters()  # first ends 25.10, second 28.12
        # default: 5 days after the end → closes on the 6th day after (31.10)
        assert services.periods_auto_close(ctx=CTX, now=_at(date(2026, 10, 30))) == 0
        assert services.periods_auto_close(ctx=CTX, now=_at(date(2026, 10, 31))) == 1
        first.refresh_from_db()
        assert first.close_source == "auto"
        services.regulation_version_create(
            ctx=CTX,
            effective_from=date(2026, 12, 1),
            order=services.Order("5-од", date(2026, 11, 30)),
            values={"period_auto_close_days_after_end": 0},
            today=date(2026, 11, 30),
        )
        assert services.periods_auto_close(ctx=CTX, now=_at(date(2026, 12, 29))) == 1
        second.refresh_from_db()
        assert second.closed_at is not None


def test_an_expired_reopening_closes_again(school_a):
    with schema_context(school_a.schema_name):
        first = _quarters()[0]
        now = _at(date(2026, 11, 2))
        services.period_close(ctx=CTX, period=first, now=now)
        services.period_reopen(ctx=CTX, period=first, reason="r", hours=2, now=now)
        assert services.periods_auto_close(ctx=CTX, now=now + timedelta(hours=1)) == 0
        assert services.periods_auto_close(ctx=CTX, now=now + timedelta(hours=3)) == 1
        first.refresh_from_db()
        assert first.reopened_until is None and first.closed_at is not None


def test_a_structure_with_a_closed_period_keeps_its_boundaries(school_a):
    with schema_context(school_a.schema_name):
        first = _quarters()[0]
        services.period_close(ctx=CTX, period=first, now=_at(date(2026, 10, 26)))
        with pytest.raises(ValidationError) as error:
            services.period_structure_save(
                ctx=CTX,
                year=first.structure.year,
                name="Четверти",
                grade_from=1,
                grade_to=9,
                periods=QUARTERS,
                structure=first.structure,
            )
        assert "periods" in error.value.message_dict


def test_the_beat_task_closes_in_every_school(school_a, school_b):
    with schema_context(school_a.schema_name):
        _quarters()
    with schema_context(school_b.schema_name):
        _quarters()
    result = periods_auto_close_task()
    assert result[school_a.schema_name] >= 1 and result[school_b.schema_name] >= 1


def test_periods_api_close_and_reopen_by_role(school_a):
    with schema_context(school_a.schema_name):
        first = _quarters()[0]
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    listed = admin.get("/api/v1/periods/")
    assert listed.status_code == 200 and len(listed.json()) == 4
    closed = admin.post(f"/api/v1/periods/{first.pk}/close/")
    assert closed.status_code == 200 and closed.json()["locked"]
    refused = admin.post(
        f"/api/v1/periods/{first.pk}/reopen/", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403  # N-05: director or deputy only
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    no_reason = deputy.post(
        f"/api/v1/periods/{first.pk}/reopen/", {}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    reopened = deputy.post(
        f"/api/v1/periods/{first.pk}/reopen/",
        {"reason": "Исправление ошибки", "hours": 4},
        content_type="application/json",
    )
    assert reopened.status_code == 200 and not reopened.json()["locked"]
    assert admin.get("/api/v1/periods/?year=x").status_code == 400
