"""Tasks that touch a school's data run inside that school's schema."""

import pytest
from django.db import connection

from otmetka.celery_app import app, school_task

pytestmark = pytest.mark.django_db


@school_task(name="tests.schema_probe_task")
def schema_probe_task(schema_name: str) -> str:
    from tenants.audit.models import AuditRecord

    AuditRecord.objects.count()  # a school table resolves only inside a school schema
    return connection.schema_name


def test_school_task_runs_in_the_named_school(school_b):
    result = schema_probe_task.delay(school_b.schema_name)
    assert result.get(timeout=10) == school_b.schema_name
    assert connection.schema_name == "public"


def test_beat_schedule_jobs_expire():
    for entry in app.conf.beat_schedule.values():
        assert entry["options"]["expires"] > 0
