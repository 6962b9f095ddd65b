"""Celery tasks of the diary's notifications.

- `notify_marks_task(schema, mark_ids)` / `notify_final_marks_task(schema, kind, mark_ids)`:
  one per journal save, enqueued when it commits; queue the notices and send them.
- `send_notification_task(id)`: one outbox row, one attempt; after a temporary transport failure
  the next attempt is enqueued with exponential backoff, until `NOTIFY_MAX_ATTEMPTS`, then the
  row fails.
- `send_digests_task`: on the beat every 15 minutes; queues the digests whose 20:00 has come.
- `release_notifications_task`: on the beat every 5 minutes; SMS held for the night whose
  morning has come, and rows whose task was lost.
- `expire_outbox_task`: on the beat every 6 hours; finished rows older than 90 days.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from kombu.exceptions import OperationalError

from otmetka.celery_app import school_task

from . import services

log = logging.getLogger("otmetka.notifications")


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        try:
            send_notification_task.delay(pk)
        except (OperationalError, OSError):  # the sweep enqueues it again later
            log.warning("could not enqueue notification %s", pk, exc_info=True)


def _when(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@school_task(name="notifications.notify_marks_task")
def notify_marks_task(schema_name: str, mark_ids: list[int], now: str | None = None) -> int:
    ids = services.mark_notices_queue(mark_ids=mark_ids, now=_when(now))
    _enqueue(ids)
    return len(ids)


@school_task(name="notifications.notify_final_marks_task")
def notify_final_marks_task(
    schema_name: str, kind: str, mark_ids: list[int], now: str | None = None
) -> int:
    ids = services.final_notices_queue(kind=kind, mark_ids=mark_ids, now=_when(now))
    _enqueue(ids)
    return len(ids)


@shared_task(name="notifications.send_notification_task")
def send_notification_task(notification_id: int, now: str | None = None) -> str:
    """One attempt; after a temporary failure the next one is enqueued with the backoff as its
    countdown (the row counts the attempts, so a lost message is only a delay: the sweep finds
    the row). `now` (ISO date-time) replaces the clock, for a manual re-run (and the tests)."""
    outcome = services.notification_send(notification_id=notification_id, now=_when(now))
    if outcome.retry_in is not None:
        try:
            send_notification_task.apply_async(
                (notification_id,), {"now": now}, countdown=outcome.retry_in
            )
        except (OperationalError, OSError):
            log.warning("could not enqueue the retry of notification %s", notification_id)
    return outcome.status


@shared_task(name="notifications.send_digests_task")
def send_digests_task(now: str | None = None) -> int:
    """`now` (ISO date-time) replaces the clock, for a manual re-run."""
    ids = services.digests_queue(now=_when(now))
    _enqueue(ids)
    return len(ids)


@shared_task(name="notifications.release_notifications_task")
def release_notifications_task(now: str | None = None) -> int:
    ids = services.held_release(now=_when(now))
    _enqueue(ids)
    return len(ids)


@shared_task(name="notifications.expire_outbox_task")
def expire_outbox_task() -> int:
    """Finished outbox rows older than 90 days (`services.outbox_expire`)."""
    return services.outbox_expire()
