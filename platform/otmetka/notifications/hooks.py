"""What the journal calls when marks are saved: one task per save, enqueued once the save's
transaction commits, naming the school's schema and the marks' ids. Nothing here can fail the
journal's save: a broker that cannot be reached is logged (the marks are saved all the same)."""

from __future__ import annotations

import logging

from django.db import connection, transaction

log = logging.getLogger("otmetka.notifications")


def _delay(task_name: str, *args) -> None:
    from kombu.exceptions import OperationalError

    from . import tasks

    try:
        getattr(tasks, task_name).delay(*args)
    except (OperationalError, OSError):
        log.warning("could not enqueue %s for %s", task_name, args[0], exc_info=True)


def marks_saved(mark_ids: list[int]) -> None:
    """New marks of a journal save (call inside its transaction): SMS to subscribed guardians."""
    if mark_ids:
        schema, ids = connection.schema_name, sorted(mark_ids)
        transaction.on_commit(lambda: _delay("notify_marks_task", schema, ids))


def final_marks_saved(kind: str, mark_ids: list[int]) -> None:
    """Period (`kind="period"`) or year marks saved (call inside the save's transaction)."""
    if mark_ids:
        schema, ids = connection.schema_name, sorted(mark_ids)
        transaction.on_commit(lambda: _delay("notify_final_marks_task", schema, kind, ids))
