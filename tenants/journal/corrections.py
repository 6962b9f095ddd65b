"""Correction requests (AUD-02, AUD-03, N-04): after a lock (a closed period, or a class whose
period marks are set), a teacher asks for changes with a reason; a deputy or the director
approves — the changes are written then, in the teacher's name, each audit record citing the
request — or rejects. Requests are listed per period, teacher and class (AUD-02).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import Period, Subject
from tenants.people.models import Group, SchoolClass, Staff
from tenants.people.selectors import teaches
from tenants.timetable.models import Lesson

from . import period_marks, services
from .models import CorrectionRequest, CorrectionStatus, Task


def _parse(changes: dict):
    """The request's cells as the services take them; a malformed cell is a 400, named."""
    kinds = {
        "marks": services.MarkChange,
        "attendance": services.AttendanceChange,
        "topics": services.TopicChange,
        "period_marks": period_marks.PeriodMarkChange,
    }
    parsed, errors = {}, {}
    for kind, cls in kinds.items():
        parsed[kind] = []
        for i, row in enumerate(changes.get(kind, [])):
            try:
                item = cls(**row)
                if getattr(item, "defer_until", None) and isinstance(item.defer_until, str):
                    item = cls(**{**row, "defer_until": date.fromisoformat(item.defer_until)})
                parsed[kind].append(item)
            except (TypeError, ValueError):
                errors[f"changes.{kind}[{i}]"] = ["Неверный формат исправления."]
    if not any(parsed.values()):
        errors["changes"] = ["Укажите, что исправить."]
    if errors:
        raise ValidationError(errors)
    return parsed


def _check_scope(parsed, school_class, group, subject, period) -> None:
    """Every cell belongs to this class-or-group, subject and period (2 queries)."""
    lessons = Lesson.objects.filter(
        school_class=school_class, group=group, subject=subject,
        date__range=(period.start, period.end),
    )  # fmt: skip
    lesson_ids = set(lessons.values_list("pk", flat=True))
    task_ids = set(Task.objects.filter(lesson_id__in=lesson_ids).values_list("pk", flat=True))
    errors = {}
    for i, m in enumerate(parsed["marks"]):
        if m.task not in task_ids:
            errors[f"changes.marks[{i}].task"] = ["Задание не из этого журнала и периода."]
    for kind in ("attendance", "topics"):
        for i, row in enumerate(parsed[kind]):
            if row.lesson not in lesson_ids:
                errors[f"changes.{kind}[{i}].lesson"] = ["Урок не из этого журнала и периода."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def correction_request(
    *,
    ctx: AuditContext,
    author: Staff,
    school_class: SchoolClass | None,
    group: Group | None,
    subject: Subject,
    period: Period,
    changes: dict,
    reason: str,
) -> CorrectionRequest:
    if not reason.strip():
        raise ValidationError({"reason": ["Укажите причину исправления."]})
    unit = {
        "school_class_id": school_class.pk if school_class else None,
        "group_id": group.pk if group else None,
    }
    if not teaches(author, subject_id=subject.pk, **unit):
        raise ValidationError({"subject": ["Исправление запрашивает учитель этого предмета."]})
    parsed = _parse(changes)
    _check_scope(parsed, school_class, group, subject, period)
    request = CorrectionRequest.objects.create(
        requested_by=author, requested_at=timezone.now(), school_class=school_class,
        group=group, subject=subject, period=period, reason=reason.strip(),
        changes={kind: [_plain(asdict(x)) for x in rows] for kind, rows in parsed.items()},
    )  # fmt: skip
    school_audit_append(
        ctx=ctx, action="journal.correction_request", obj=request,
        new={"changes": request.changes, "period": period.pk}, reason=request.reason,
    )  # fmt: skip
    return request


def _plain(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


@transaction.atomic
def correction_decide(
    *, ctx: AuditContext, request: CorrectionRequest, approver: Staff, approve: bool, note: str = ""
) -> CorrectionRequest:
    """Approve (write the changes, citing the request) or reject a pending request."""
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CorrectionStatus.PENDING:
        raise ValidationError({"status": ["Запрос уже рассмотрен."]})
    if approver.pk == request.requested_by_id:
        raise ValidationError({"approver": ["Свой запрос рассматривает другой сотрудник."]})
    if not approve and not note.strip():
        raise ValidationError({"note": ["Укажите, почему запрос отклонён."]})
    result = None
    if approve:
        parsed = _parse(request.changes)
        cite = f"Исправление по запросу № {request.pk}: {request.reason}"
        saved = services.journal_save(
            ctx=ctx, author=request.requested_by, marks=parsed["marks"],
            attendance=parsed["attendance"], topics=parsed["topics"], correction=cite,
        ) if any(parsed[k] for k in ("marks", "attendance", "topics")) else None  # fmt: skip
        finals = []
        if parsed["period_marks"]:
            finals = period_marks.period_marks_save(
                ctx=ctx, author=request.requested_by, school_class=request.school_class,
                group=request.group, subject=request.subject, period=request.period,
                changes=parsed["period_marks"], correction=cite,
            )  # fmt: skip
        result = {
            "saved": (saved.saved if saved else 0) + len(finals),
            "conflicts": [asdict(c) for c in saved.conflicts] if saved else [],
        }
    request.status = CorrectionStatus.APPLIED if approve else CorrectionStatus.REJECTED
    request.decided_by, request.decided_at = approver, timezone.now()
    request.decision_note, request.result = note.strip()[:500], result
    request.save()
    school_audit_append(
        ctx=ctx, action="journal.correction_decide", obj=request,
        new={"status": request.status, "result": result}, reason=request.decision_note,
    )  # fmt: skip
    return request
