"""Imports as background jobs: the file goes to object storage, a Celery task (naming its school)
runs the import and reports progress through the cache, the result lands on the job."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext

from . import imports
from .models import ImportJob


@dataclass(frozen=True)
class ImportParams:
    kind: str
    dry_run: bool
    date_from: date | None = None
    order_number: str = ""
    order_date: date | None = None
    create_classes: bool = False

    def as_json(self) -> dict:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "order_number": self.order_number,
            "order_date": self.order_date.isoformat() if self.order_date else None,
            "create_classes": self.create_classes,
        }


def _progress_key(schema: str, job_id: int) -> str:
    return f"import-progress:{schema}:{job_id}"


def progress_of(job: ImportJob) -> dict:
    done, total = cache.get(_progress_key(connection.schema_name, job.pk)) or (0, 0)
    if job.status == "done":
        done = total = 1
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0}


def import_job_start(
    *, ctx: AuditContext, params: ImportParams, file_name: str, data: bytes
) -> ImportJob:
    """Store the file and queue the import; the task starts once this transaction commits."""
    from services.storage import get_storage

    if params.kind not in imports.TEMPLATES:
        raise ValidationError({"kind": "Выберите: обучающиеся, сотрудники, классы или группы."})
    if not data:
        raise ValidationError({"file": "Файл пуст."})
    if len(data) > imports.MAX_BYTES:
        raise ValidationError({"file": "Файл больше 20 МБ."})
    if params.kind == "students" and not params.order_number.strip():
        raise ValidationError({"order_number": "Укажите приказ о зачислении."})
    schema = connection.schema_name
    key = f"schools/{schema}/imports/{uuid.uuid4().hex}"
    get_storage().put(key, data, "application/octet-stream")
    job = ImportJob.objects.create(
        kind=params.kind,
        file_name=file_name[:200],
        file_key=key,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=params.dry_run,
        params=params.as_json(),
        created_by=ctx.actor_id,
        created_role=ctx.actor_role,
    )
    from .tasks import import_task

    transaction.on_commit(lambda: import_task.delay(schema, job.pk))
    return job


def import_job_confirm(*, ctx: AuditContext, job: ImportJob) -> ImportJob:
    """After a clean dry run: the real import of the same stored file, as a new job."""
    if not (job.status == "done" and job.dry_run and job.report and job.report["ok"]):
        raise ValidationError(
            {"job": "Загрузить можно только файл, проверка которого прошла без ошибок."}
        )
    real = ImportJob.objects.create(
        kind=job.kind,
        file_name=job.file_name,
        file_key=job.file_key,
        sha256=job.sha256,
        dry_run=False,
        params=job.params,
        created_by=ctx.actor_id,
        created_role=ctx.actor_role,
    )
    from .tasks import import_task

    schema = connection.schema_name
    transaction.on_commit(lambda: import_task.delay(schema, real.pk))
    return real


def import_job_run(job: ImportJob) -> ImportJob:
    """Run the job in the current school schema (called by the task)."""
    from services.storage import get_storage
    from tenants.configuration.models import AcademicYear
    from tenants.configuration.services import Order

    schema = connection.schema_name
    key = _progress_key(schema, job.pk)
    job.status = "running"
    job.save(update_fields=["status"])
    params = job.params
    order = None
    if params.get("order_number"):
        order = Order(params["order_number"], date.fromisoformat(params["order_date"]))
    try:
        report = imports.run_import(
            ctx=AuditContext(
                actor_id=job.created_by, actor_role=job.created_role or "system", source="import"
            ),
            kind=job.kind,
            file_name=job.file_name,
            data=get_storage().get(job.file_key),
            dry_run=job.dry_run,
            year=AcademicYear.objects.filter(is_current=True).first(),
            date_from=date.fromisoformat(params["date_from"]) if params.get("date_from") else None,
            order=order,
            create_classes=params.get("create_classes", False),
            progress=lambda done, total: cache.set(key, (done, total), 3600),
        )
    except ValidationError as exc:
        job.status, job.error = "failed", " ".join(exc.messages)[:500]
    except Exception:
        job.status, job.error = (
            "failed",
            "Внутренняя ошибка: импорт не выполнен, данные не изменены.",
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        job.status, job.report = "done", report.as_dict()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "finished_at"])
    return job
