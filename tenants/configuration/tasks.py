"""Scheduled work of the school configuration: the automatic period close (X-05)."""

from __future__ import annotations

import zoneinfo

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.audit.context import AuditContext


@shared_task(name="configuration.periods_auto_close_task")
def periods_auto_close_task() -> dict[str, int]:
    """Close ended periods in every active school, each in its own time zone and transaction."""
    from otmetka.region.choices import SchoolStatus
    from otmetka.region.models import School

    from .services import periods_auto_close

    closed: dict[str, int] = {}
    schools = School.objects.filter(status=SchoolStatus.ACTIVE).values_list(
        "schema_name", "time_zone"
    )
    for schema, zone in schools:
        with schema_context(schema), timezone.override(zoneinfo.ZoneInfo(zone)):
            count = periods_auto_close(ctx=AuditContext.task("periods_auto_close"))
        if count:
            closed[schema] = count
    return closed
