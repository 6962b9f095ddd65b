"""Creating school schemas from the migrated template (TEN-02, ADR 0001)."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from otmetka.audit.models import RegionAuditRecord
from otmetka.region import provisioning
from otmetka.region.models import SchemaSnapshot
from tenants.audit.models import AuditRecord
from tests.factories import school_create

pytestmark = pytest.mark.django_db


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def test_school_schema_from_template_matches_the_template():
    # given the migrated template
    template = provisioning.template_schema()
    # when a school is created
    school = school_create("same-as-template")
    # then its schema has the template's tables, its migrations recorded, and is at head
    assert _tables(school.schema_name) == _tables(template)
    assert provisioning.schemas_behind([school.schema_name]) == []
    with schema_context(school.schema_name):
        assert AuditRecord.objects.count() == 0


def test_school_create_uses_the_template_and_is_audited():
    # when a school is created
    before = RegionAuditRecord.objects.count()
    from otmetka.audit.context import AuditContext
    from otmetka.region import services
    from tests.factories import MunicipalityFactory, next_inn

    created = services.school_create(
        ctx=AuditContext.cli(),
        slug="audited",
        short_name="Школа",
        full_name="Школа полная",
        inn=next_inn(),
        time_zone="Europe/Moscow",
        municipality=MunicipalityFactory(),
        admin=services.AdminSpec(username="first-admin"),
    )
    # then the fast path was used, the admin got a password, and the region audit has a record
    assert created.method == provisioning.TEMPLATE
    assert created.admin.check_password(created.admin_password)
    assert RegionAuditRecord.objects.count() == before + 1
    record = RegionAuditRecord.objects.order_by("-id").first()
    assert record.action == "school.create" and record.new["slug"] == "audited"


def test_missing_snapshot_falls_back_to_migrations_and_says_so(caplog):
    # given no snapshot for the code's migrations
    SchemaSnapshot.objects.all().delete()
    # when a school is created
    school = school_create("fallback")
    # then its schema is still complete, and the fallback was logged
    assert provisioning.schemas_behind([school.schema_name]) == []
    assert "by running its migrations" in caplog.text


def test_failed_creation_leaves_nothing_behind():
    # given a school that fails validation after its schema name is chosen
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        school_create("broken", inn="123")
    # then neither a row nor a schema exists
    assert not schema_exists("school_broken")


def test_snapshot_sql_never_names_the_template():
    snapshot = provisioning.current_snapshot()
    assert snapshot is not None
    assert provisioning.template_schema() not in snapshot.sql
    assert "django_migrations" in snapshot.sql


def test_applied_migrations_reads_many_schemas_in_one_query(django_assert_num_queries, schools):
    schemas = [s.schema_name for s in schools.values()] + [provisioning.template_schema()]
    with django_assert_num_queries(2):
        applied = provisioning.applied_migrations(schemas)
    assert set(applied) == set(schemas)
    assert all(provisioning.code_migrations() <= v for v in applied.values())
