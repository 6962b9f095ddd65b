"""Background work of the diary; every task names its school (schema)."""

from otmetka.celery_app import school_task


@school_task(name="diary.make_paper_extracts_task")
def make_paper_extracts_task(schema_name: str, job_id: int) -> str:
    """A class's paper extracts (DIA-07): the PDF, then the issue log (`paper.paper_job_run`)."""
    from .models import PaperJob
    from .paper import paper_job_run

    job = PaperJob.objects.filter(pk=job_id, status="queued").first()
    if job is None:
        return "gone"
    return paper_job_run(job).status
