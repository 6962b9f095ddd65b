"""Setup completeness (CFG-05, X-01): the school's checklist and the region's totals."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.audit.context import AuditContext
from tenants.configuration import completeness, services
from tests.factories import region_user, school_client
from tests.tenants.configuration.test_year_and_periods import QUARTERS, make_year, with_holidays

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")


def _states(today):
    return {item.code: s for item, s in completeness.school_checklist(today=today).items}


def test_states_follow_the_setup_deadline(school_a):
    with schema_context(school_a.schema_name):
        assert set(_states(date(2026, 8, 1)).values()) <= {"pending", "done"}
        year = make_year()
        with_holidays(year)
        states = _states(date(2026, 8, 20))
        assert states["year"] == states["holidays"] == states["grading"] == "done"
        assert states["periods"] == "pending"
        services.period_structure_save(
            ctx=CTX, year=year, name="Ч", grade_from=1, grade_to=9, periods=QUARTERS
        )
        assert _states(date(2026, 8, 20))["periods"] == "done"
        assert _states(date(2026, 9, 1))["rooms"] == "warning"  # warnings from 1 Sep
        assert _states(date(2026, 9, 6))["rooms"] == "overdue"  # after 5 Sep
        services.room_save(ctx=CTX, number="1")
        assert _states(date(2026, 9, 6))["rooms"] == "done"
        checklist = completeness.school_checklist(today=date(2026, 9, 6))
        assert checklist.deadline == date(2026, 9, 5)


def test_region_totals_take_the_same_queries_for_any_number_of_schools(school_a, school_b):
    with schema_context(school_a.schema_name):
        services.room_save(ctx=CTX, number="1")
    schemas = [school_a.schema_name, school_b.schema_name]
    completeness.region_totals(schemas)  # warm: the connection's search_path is set once
    with CaptureQueriesContext(connection) as one:
        completeness.region_totals(schemas[:1])
    with CaptureQueriesContext(connection) as queries:
        totals = {t.item.code: t for t in completeness.region_totals(schemas)}
    assert len(queries) == len(one) == 1  # not one per school
    assert (totals["rooms"].done, totals["rooms"].not_done) == (1, 1)
    assert totals["grading"].done == 2  # the 5-point preset is the default everywhere


def test_checklist_api_and_the_ministrys_aggregate(school_a):
    listed = school_client(school_a, SchoolRole.DEPUTY).get("/api/v1/setup-checklist/")
    assert listed.status_code == 200
    assert listed.json()["total"] == len(completeness.ITEMS)
    ministry = Client(HTTP_HOST="localhost")
    ministry.force_login(region_user(RegionRole.MINISTRY_OFFICER))
    totals = ministry.get("/api/v1/setup-completeness/")
    assert totals.status_code == 200
    assert {row["code"] for row in totals.json()} == {i.code for i in completeness.ITEMS}
    assert all(row["done"] + row["not_done"] >= 2 for row in totals.json())
    school_side = school_client(school_a, SchoolRole.DIRECTOR)
    assert school_side.get("/api/v1/setup-completeness/").status_code == 404
