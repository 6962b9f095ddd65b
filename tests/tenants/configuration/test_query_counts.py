"""Lists of the configuration API run the same number of queries whatever their length."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.configuration import services
from tenants.configuration.models import GradingSystem
from tests.factories import school_client
from tests.tenants.configuration.test_year_and_periods import QUARTERS, make_year, with_holidays

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")
LISTS = [
    "/api/v1/academic-years/",
    "/api/v1/period-structures/",
    "/api/v1/periods/",
    "/api/v1/holidays/",
    "/api/v1/grading-systems/",
    "/api/v1/conversions/",
    "/api/v1/grading-assignments/",
    "/api/v1/work-types/",
    "/api/v1/subjects/",
    "/api/v1/rooms/",
    "/api/v1/regulation/",
    "/api/v1/regulation/versions/",
    "/api/v1/setup-checklist/",
]


def _grow(n: int) -> None:
    """Add n more of everything the lists show."""
    five = GradingSystem.objects.get(kind="five_point")
    for i in range(n):
        tag = f"{GradingSystem.objects.count()}-{i}"
        system = services.grading_system_create(
            ctx=CTX,
            name=f"Шкала {tag}",
            kind="custom",
            values=[
                services.ValueInput("a", "a", None, False),
                services.ValueInput("b", "b", None, True),
            ],
        )
        services.conversion_save(
            ctx=CTX,
            source=system,
            target=five,
            rules=[services.RuleInput("2", "a"), services.RuleInput("4", "b")],
        )
        subject = services.subject_save(
            ctx=CTX, data=services.SubjectInput(f"Предмет {tag}", "school")
        )
        services.grading_assignment_save(
            ctx=CTX, system=system, subject=subject, grade_from=1, grade_to=11
        )
        services.room_save(ctx=CTX, number=f"К{tag}")
        services.regulation_version_create(
            ctx=CTX,
            effective_from=date(2099, 1, 1),
            order=services.Order(f"{tag}-од", date(2026, 11, 1)),
            values={"min_marks_per_period": 3 + i % 5},
            today=date(2026, 11, 23),
        )


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_rows(school_a, path):
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        services.period_structure_save(
            ctx=CTX, year=year, name="Ч", grade_from=1, grade_to=9, periods=QUARTERS
        )
        _grow(1)
    client.get(path)  # warm the session and routing caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    with schema_context(school_a.schema_name):
        _grow(5)
    client.get(path)  # the connection's search_path is set again after the schema switch
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
