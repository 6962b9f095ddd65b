"""Background work of the diary; every task names its school (schema)."""

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from otmetka.celery_app import school_task

logger = logging.getLogger("otmetka.diary")


@school_task(name="diary.make_paper_extracts_task")
def make_paper_extracts_task(schema_name: str, job_id: int) -> str:
    """A class's paper extracts (DIA-07): the PDF, then the issue log (`paper.paper_job_run`)."""
    from .models import PaperJob
    from .paper import paper_job_run

    job = PaperJob.objects.filter(pk=job_id, status="queued").first()
    if job is None:
        return "gone"
    return paper_job_run(job).status


@shared_task(name="diary.expire_paper_jobs_task")
def expire_paper_jobs_task() -> dict[str, int]:
    """In every school, delete class batch PDFs older than a week (`paper.paper_jobs_expire`)."""
    from otmetka.region.models import School

    from .paper import paper_jobs_expire

    expired: dict[str, int] = {}
    for schema in School.objects.exclude(schema_name="public").values_list(
        "schema_name", flat=True
    ):
        try:
            with schema_context(schema):
                count = paper_jobs_expire()
        except Exception:  # one school's failure must not keep the others' files
            logger.exception("paper batches not expired in %s", schema)
            continue
        if count:
            expired[schema] = count
    return expired
