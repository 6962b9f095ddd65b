"""Regulation settings (CFG-10, §C X-01…X-17): catalogue, ranges, versions, audit, API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.configuration import regulation, selectors, services
from tenants.configuration.models import TemplateAdoption
from tests.factories import school_client

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="director", source="api")
ORDER = services.Order("45-од", date(2026, 11, 20))
TODAY = date(2026, 11, 23)


def test_the_catalogue_has_every_timing_rule_of_section_c():
    refs = {s.ref for s in regulation.SETTINGS}
    # X-03 lives on work types, X-10 on notations; are fixed rules
    assert refs >= {f"X-{n:02d}" for n in range(1, 18)} - {"X-03", "X-07", "X-10", "X-13"}
    for setting in regulation.SETTINGS:
        value, error = setting.check(setting.default)
        assert error is None and value == setting.default, setting.key


@pytest.mark.parametrize(
    ("key", "bad", "names"),
    [
        ("period_auto_close_days_after_end", 31, "от 0 до 30"),
        ("homework_due_minutes_after_last_lesson", -1, "от 0 до 720"),
        ("setup_deadline", "09-06", "от 15.08 до 5.09"),
        ("setup_deadline", "9-1", "от 15.08 до 5.09"),
        ("journal_print_policy", "weekly", "ежегодно"),
        ("teacher_lock_on_period_marks", "yes", "да или нет"),
        ("rounding_threshold", "0.8", "от 0.50 до 0.70"),
        ("maintenance_window", "01:00-05:00", "02:00–06:00"),
        ("staff_access_revoke_days", True, "от 0 до 2"),
    ],
)
def test_values_outside_the_range_are_refused_with_the_range(key, bad, names):
    value, error = regulation.BY_KEY[key].check(bad)
    assert value is None and names in error


@given(st.integers(min_value=-100, max_value=100))
def test_an_int_setting_accepts_exactly_its_range(number):
    setting = regulation.BY_KEY["period_auto_close_days_after_end"]
    value, error = setting.check(number)
    assert (error is None) == (0 <= number <= 30)
    assert value in (None, number)


def test_a_region_can_only_narrow_a_range():
    setting = regulation.BY_KEY["period_mark_window_open_days"]
    narrowed = setting.narrowed(5, 10)
    assert narrowed.check(4)[1] and narrowed.check(5)[0] == 5
    with pytest.raises(ValueError, match="от 3 до 14"):
        setting.narrowed(1, 10)
    with pytest.raises(ValueError):
        setting.narrowed(10, 5)


def test_versions_take_effect_on_their_date_and_are_audited(school_a):
    with schema_context(school_a.schema_name):
        assert selectors.regulation_in_force(TODAY)["period_auto_close_days_after_end"] == 5
        services.regulation_version_create(
            ctx=CTX,
            effective_from=date(2026, 12, 1),
            order=ORDER,
            values={"period_auto_close_days_after_end": 10, "rounding_threshold": "0.6"},
            today=TODAY,
        )
        services.regulation_version_create(
            ctx=CTX,
            effective_from=date(2027, 1, 1),
            order=services.Order("2-од", date(2026, 12, 20)),
            values={"period_auto_close_days_after_end": 3},
            today=TODAY,
        )
        assert selectors.regulation_in_force(TODAY)["period_auto_close_days_after_end"] == 5
        december = selectors.regulation_in_force(date(2026, 12, 15))
        assert december["period_auto_close_days_after_end"] == 10
        assert december["rounding_threshold"] == "0.60"
        january = selectors.regulation_in_force(date(2027, 1, 10))
        assert january["period_auto_close_days_after_end"] == 3
        assert january["rounding_threshold"] == "0.60"  # later version did not touch it
        rows = {r.setting.key: r for r in selectors.regulation_table(date(2027, 1, 10))}
        assert rows["period_auto_close_days_after_end"].source == "school"
        assert rows["setup_deadline"].source == "catalogue"
        records = AuditRecord.objects.filter(action="regulation.version_create").order_by("pk")
        assert [r.old["period_auto_close_days_after_end"] for r in records] == [5, 10]


@pytest.mark.parametrize(
    ("values", "effective", "field"),
    [
        ({"period_auto_close_days_after_end": 40}, date(2026, 12, 1),
         "values.period_auto_close_days_after_end"),
        ({"no_such_setting": 1}, date(2026, 12, 1), "values.no_such_setting"),
        ({"backup_min_per_week": 3}, date(2026, 12, 1), "values.backup_min_per_week"),
        ({}, date(2026, 12, 1), "values"),
        ({"setup_deadline": "09-01"}, date(2026, 11, 1), "effective_from"),
    ],
)  # fmt: skip
def test_bad_versions_are_refused_whole(school_a, values, effective, field):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            services.regulation_version_create(
                ctx=CTX,
                effective_from=effective,
                order=ORDER,
                values={**values, "setup_deadline": "09-01"} if values else values,
                today=TODAY,
            )
        assert field in error.value.message_dict
        assert selectors.regulation_in_force(date(2027, 1, 1))["setup_deadline"] == "09-05"


def test_a_template_narrows_the_schools_range(school_a):
    with schema_context(school_a.schema_name):
        TemplateAdoption.objects.create(
            template_version=1,
            content={
                "regulation": {
                    "values": {"period_auto_close_days_after_end": 7},
                    "ranges": {"period_auto_close_days_after_end": [3, 10]},
                }
            },
            sections=["regulation"],
        )
        rows = {r.setting.key: r for r in selectors.regulation_table(TODAY)}
        row = rows["period_auto_close_days_after_end"]
        assert (row.value, row.source, row.setting.maximum) == (7, "template", 10)
        with pytest.raises(ValidationError) as error:
            services.regulation_version_create(
                ctx=CTX,
                effective_from=date(2026, 12, 1),
                order=ORDER,
                values={"period_auto_close_days_after_end": 20},
                today=TODAY,
            )
        assert (
            "от 3 до 10" in error.value.message_dict["values.period_auto_close_days_after_end"][0]
        )


def test_regulation_api(school_a):
    client = school_client(school_a, SchoolRole.DIRECTOR)
    table = client.get("/api/v1/regulation/")
    assert table.status_code == 200
    rows = {r["key"]: r for r in table.json()}
    assert rows["period_auto_close_days_after_end"]["allowed"] == "от 0 до 30 дн."
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = {
        "effective_from": str(tomorrow),
        "order_number": "45-од",
        "order_date": str(timezone.localdate()),
        "values": {"period_mark_window_open_days": 10},
    }
    created = client.post("/api/v1/regulation/versions/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    later = client.get(f"/api/v1/regulation/?on={tomorrow}").json()
    assert {r["key"]: r["value"] for r in later}["period_mark_window_open_days"] == 10
    assert len(client.get("/api/v1/regulation/versions/").json()) == 1
    bad = client.post(
        "/api/v1/regulation/versions/",
        {**body, "values": {"period_mark_window_open_days": 2}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "от 3 до 14" in bad.json()["fields"]["values.period_mark_window_open_days"][0]
    assert client.get("/api/v1/regulation/?on=tomorrow").status_code == 400


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("teacher_lock_on_period_marks", True, "да"),
        ("journal_print_policy", "per_period", "по периодам"),
        ("setup_deadline", "09-05", "5.09"),
        ("period_auto_close_days_after_end", 5, "5 дн."),
        ("maintenance_window", "02:00-06:00", "02:00–06:00"),
    ],
)
def test_values_are_shown_as_people_read_them(key, value, shown):
    assert regulation.BY_KEY[key].display(value) == shown
