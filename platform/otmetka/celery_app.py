"""The Celery app. Tasks that touch a school's data take its schema name explicitly and run
inside that school's schema (`school_task`)."""

from __future__ import annotations

import functools
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")

app = Celery("otmetka")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule_filename = os.environ.get(
    "OTMETKA_BEAT_SCHEDULE_FILE", "celerybeat-schedule"
)


def _beat_schedule():
    from otmetka.beat import BEAT_SCHEDULE

    return BEAT_SCHEDULE


app.conf.beat_schedule = _beat_schedule()


def school_task(*task_args, **task_kwargs):
    """Declare a task whose first argument is the school's schema name; the body runs inside
    that schema and the connection goes back to the public schema afterwards."""

    def decorator(func):
        @app.task(*task_args, **task_kwargs)
        @functools.wraps(func)
        def task(schema_name: str, *args, **kwargs):
            from django_tenants.utils import schema_context

            with schema_context(schema_name):
                return func(schema_name, *args, **kwargs)

        return task

    return decorator
