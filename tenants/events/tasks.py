"""Scheduled work of events: the monthly reminder to enter next month's events (TTB-11)."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.audit.context import AuditContext

logger = logging.getLogger("otmetka.events")


@shared_task(name="events.send_event_reminders_task")
def send_event_reminders_task(on: str | None = None) -> dict[str, int]:
    """In every active school, from the 25th of the school's local month, remind class teachers
    and deputies about next month's missing events. Hourly, so each time zone is served soon
    after its midnight; a reminder goes once per month and class. `on` (ISO date) overrides the
    local date, for a manual re-run."""
    from otmetka.region.choices import SchoolStatus
    from otmetka.region.models import School

    from .services import event_reminders_send

    reminded: dict[str, int] = {}
    schools = School.objects.filter(status=SchoolStatus.ACTIVE).values_list(
        "pk", "schema_name", "time_zone"
    )
    for school_id, schema, zone in schools:
        try:
            with schema_context(schema), timezone.override(zoneinfo.ZoneInfo(zone)):
                today = date.fromisoformat(on) if on else timezone.localdate()
                result = event_reminders_send(
                    ctx=AuditContext.task("send_event_reminders"), school_id=school_id, today=today
                )
        except Exception:  # one school's failure must not stop the others' reminders
            logger.exception("event reminders failed in %s", schema)
            continue
        if result.classes or result.school:
            reminded[schema] = result.classes + int(result.school)
    if reminded:
        logger.info("event reminders sent in %s schools", len(reminded))
    return reminded
