"""Invalidation after a credential compromise (AUD-05, AUD-06).

From the moment `since` (the time T recorded when the compromise was reported, or earlier if
the director establishes it), every journal operation of the account is undone from the school's
audit log, newest first, so each cell ends as it was before `since`:
- an entry made after `since` stays, flagged invalid (struck through in the journal, left out of
  averages, the diary and reports) and listed for re-entry;
- a change made after `since` is rolled back to the value before it;
- an entry removed after `since` is restored.
Each step appends its own audit record (`journal.invalidate`) in the same transaction; running
it twice changes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.audit.services import school_audit_append, school_audit_append_many
from tenants.people.models import Staff
from tenants.timetable.models import Lesson

from .models import AbsenceCode, Attendance, LessonRecord, Mark, PeriodMark, Task, YearMark
from .services import _Scales

ACTIONS = [
    "journal.mark_add", "journal.mark_change", "journal.mark_remove",
    "journal.attendance_add", "journal.attendance_change", "journal.topic_set",
    "journal.period_mark", "journal.year_mark",
]  # fmt: skip


@dataclass
class Report:
    invalidated: int = 0
    restored: int = 0
    records: list[int] = field(default_factory=list)  # audit records undone


@transaction.atomic
def journal_invalidate(
    *, ctx: AuditContext, user_id: int, since: datetime, incident: int | None = None
) -> Report:
    """Undo the account's journal operations from `since` on (see the module's docstring)."""
    now = timezone.now()
    undone = set(
        AuditRecord.objects.filter(action="journal.invalidate").values_list(
            "new__record", flat=True
        )
    )
    records = list(
        AuditRecord.objects.filter(actor_id=user_id, at__gte=since, action__in=ACTIONS)
        .exclude(pk__in=[r for r in undone if r is not None])
        .order_by("-id")
    )
    report = Report()
    if not records:
        return report
    scales = _Scales()
    codes = {c.code: c for c in AbsenceCode.objects.all()}
    entries: list[Entry] = []
    for record in records:
        kind = record.action.split(".", 1)[1]
        model = {"mark": Mark, "attendance": Attendance, "topic": LessonRecord,
                 "period": PeriodMark, "year": YearMark}[kind.split("_", 1)[0]]  # fmt: skip
        row = model.objects.filter(pk=int(record.object_id)).first()
        before = record.old
        if kind == "mark_remove":  # restore the removed mark
            if row is None and before:
                task = Task.objects.select_related("lesson__subject", "lesson__school_class").get(
                    pk=before["task"]
                )
                row = Mark.objects.create(
                    task=task, student_id=before["student"], value=before["value"],
                    numeric=scales.values(task.lesson).get(before["value"]),
                    comment=before.get("comment", ""), entered_at=now,
                    entered_by=_author(record), version=1,
                )  # fmt: skip
                report.restored += 1
        elif row is None:
            continue
        elif before is None:  # an entry made after `since`: flag it
            if row.invalidated_at is None:
                row.invalidated_at = now
                row.version += 1
                row.save(update_fields=["invalidated_at", "version"])
                report.invalidated += 1
        else:  # a change after `since`: back to the value before it
            _restore(row, before, scales, codes)
            row.invalidated_at = None
            row.version += 1
            row.save()
            report.restored += 1
        report.records.append(record.pk)
        entries.append(
            Entry("journal.invalidate", row, record.new, {"record": record.pk, "restored": before},
                  f"Компрометация учётной записи (инцидент {incident or '—'})")
        )  # fmt: skip
    school_audit_append_many(ctx=ctx, entries=entries)
    school_audit_append(
        ctx=ctx, action="journal.invalidate_account",
        new={"user": user_id, "since": since, "invalidated": report.invalidated,
             "restored": report.restored, "incident": incident},
    )  # fmt: skip
    return report


def _author(record: AuditRecord) -> Staff:
    staff = Staff.objects.filter(user_id=record.actor_id).first()
    return staff or Staff.objects.order_by("pk").first()


def _restore(row, before: dict, scales: _Scales, codes: dict) -> None:
    if isinstance(row, Mark):
        lesson = Lesson.objects.select_related("subject", "school_class").get(pk=before["lesson"])
        row.value, row.comment = before["value"], before.get("comment", "")
        row.numeric = scales.values(lesson).get(row.value)
    elif isinstance(row, Attendance):
        row.code = codes.get(before.get("code") or "")
        row.late_minutes, row.note = before.get("late_minutes"), before.get("note", "")
    elif isinstance(row, LessonRecord):
        row.topic = before["topic"]
    elif isinstance(row, PeriodMark | YearMark):
        row.value, row.notation = before.get("value", ""), before.get("notation", "")
        row.numeric = None
        if row.value.isdigit():
            from decimal import Decimal

            row.numeric = Decimal(row.value)


def invalidated_rows():
    """What is to be entered again (AUD-06): invalid marks and attendance, oldest lesson first."""
    marks = Mark.objects.filter(invalidated_at__isnull=False).select_related(
        "task__lesson", "student"
    )
    attendance = Attendance.objects.filter(invalidated_at__isnull=False).select_related(
        "lesson", "student"
    )
    return marks.order_by("task__lesson__date"), attendance.order_by("lesson__date")
