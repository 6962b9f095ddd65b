"""Otmetka: the project package. The Celery app is loaded with it, so that tasks queued from
the web process go to the configured broker (Celery's documented Django layout)."""

from .celery_app import app as celery_app

__all__ = ["celery_app"]
