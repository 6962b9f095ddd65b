"""Background work of people and structure; every task names its school (schema)."""

from otmetka.celery_app import school_task


@school_task(name="people.import_task")
def import_task(schema_name: str, job_id: int) -> str:
    from .jobs import import_job_run
    from .models import ImportJob

    job = ImportJob.objects.filter(pk=job_id, status="queued").first()
    if job is None:
        return "gone"
    return import_job_run(job).status
