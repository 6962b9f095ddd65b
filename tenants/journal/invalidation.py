"""Invalidation after a credential compromise (AUD-05, AUD-06).

From the moment `since` (the time T recorded when the compromise was reported, or earlier if
the director establishes it), every journal operation of the account is undone from the school's
audit log, newest first, so each cell ends as it was before `since`:
- an entry made after `since` stays, flagged invalid (struck through in the journal, left out of
  averages, the diary and reports) and listed for re-entry;
- a change made after `since` is rolled back to the value before it;
- an entry removed after `since` is restored, credited to whoever had entered it (the
  `entered_by` of the removal's audit record; records written before it was kept there credit
  the account's own staff record);
- a make-up (`journal.makeup`) counts as an entry: its mark is flagged, and the note it added to
  the absence is rolled back (the make-up audits that note as a `journal.attendance_change`).
  The task a make-up creates stays, holding the flagged mark, as any flagged entry stays.
Each step appends its own audit record (`journal.invalidate`) in the same transaction; running
it twice changes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.audit.services import school_audit_append, school_audit_append_many
from tenants.people.models import Staff
from tenants.timetable.models import Lesson

from .models import AbsenceCode, Attendance, LessonRecord, Mark, PeriodMark, YearMark
from .services import _Scales

ACTIONS = [
    "journal.mark_add", "journal.mark_change", "journal.mark_remove", "journal.makeup",
    "journal.attendance_add", "journal.attendance_change", "journal.topic_set",
    "journal.period_mark", "journal.year_mark",
]  # fmt: skip


def _kind_of(action: str) -> tuple[str, str]:
    """An action's operation and the kind of row it touched: a make-up enters a mark."""
    operation = action.split(".", 1)[1]
    if operation == "makeup":
        return "mark_add", "mark"
    return operation, operation.split("_", 1)[0]


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
    models = {"mark": Mark, "attendance": Attendance, "topic": LessonRecord,
              "period": PeriodMark, "year": YearMark}  # fmt: skip
    kinds = {r.pk: _kind_of(r.action) for r in records}
    # every row the records touch, and the lessons of changed marks: a query per kind, not per row
    wanted: dict[str, set[int]] = {}
    for record in records:
        wanted.setdefault(kinds[record.pk][1], set()).add(int(record.object_id))
    queries = {name: models[name].objects.filter(pk__in=ids) for name, ids in wanted.items()}
    for name in {"period", "year"} & set(queries):  # their units, for the scale of `numeric`
        queries[name] = queries[name].select_related("subject", "school_class", "group")
    rows = {(name, obj.pk): obj for name, query in queries.items() for obj in query}
    lesson_ids = {r.old["lesson"] for r in records if r.old and "lesson" in r.old}
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(pk__in=lesson_ids).select_related(
            "subject", "school_class", "group"
        )
    }
    # older records have no `entered_by`: their restored marks go to the account's staff record
    account = Staff.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
    cells = _cells_of_removed(records, kinds, rows)
    entries: list[Entry] = []
    for record in records:
        kind, name = kinds[record.pk]
        row = rows.get((name, int(record.object_id)))
        before = record.old
        if kind == "mark_remove":  # restore the removed mark
            if row is None and before:
                cell = (before["task"], before["student"])
                row, ours = cells.get(cell, (None, False))
                if row is not None and ours:  # the account filled the cell again: back
                    _restore(row, before, scales, codes, lessons)
                    row.invalidated_at = None
                    row.version += 1
                    row.save()
                    report.restored += 1
                elif row is None:
                    credited = before.get("entered_by") or account
                    if credited is None:  # nobody to credit it to: left for a later run
                        continue
                    row = Mark.objects.create(
                        task_id=cell[0], student_id=cell[1], value=before["value"],
                        numeric=scales.values(lessons[before["lesson"]]).get(before["value"]),
                        comment=before.get("comment", ""), entered_at=now,
                        entered_by_id=credited, version=1,
                    )  # fmt: skip
                    ours = True
                    cells[cell] = (row, ours)
                    report.restored += 1
                if not ours:  # someone else entered the cell again since: theirs stands
                    continue
                # older records of the removed mark (a change, or its entry after `since`, which
                # flags it) now apply to the row in its cell
                rows[(name, int(record.object_id))] = row
            if row is None:  # nothing to restore it from
                continue
        elif row is None:
            continue
        elif before is None:  # an entry made after `since`: flag it
            if row.invalidated_at is None:
                row.invalidated_at = now
                row.version += 1
                row.save(update_fields=["invalidated_at", "version"])
                report.invalidated += 1
        else:  # a change after `since`: back to the value before it
            _restore(row, before, scales, codes, lessons)
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


def _cells_of_removed(records, kinds, rows) -> dict[tuple[int, int], tuple[Mark, bool]]:
    """The marks now in the cells whose marks the records removed (one query): (task, student)
    → the mark, and whether the account entered it (filled the cell again after removing)."""
    removed = [r.old for r in records if kinds[r.pk][0] == "mark_remove" and r.old]
    if not removed:
        return {}
    added = {int(r.object_id) for r in records if kinds[r.pk] == ("mark_add", "mark")}
    wanted = Q()
    for old in removed:
        wanted |= Q(task_id=old["task"], student_id=old["student"])
    cells = {}
    for mark in Mark.objects.filter(wanted):
        cell = (mark.task_id, mark.student_id)
        cells[cell] = (rows.get(("mark", mark.pk), mark), mark.pk in added)
    return cells


def _restore(row, before: dict, scales: _Scales, codes: dict, lessons: dict) -> None:
    if isinstance(row, Mark):
        row.value, row.comment = before["value"], before.get("comment", "")
        row.numeric = scales.values(lessons[before["lesson"]]).get(row.value)
        if before.get("entered_by"):
            row.entered_by_id = before["entered_by"]
    elif isinstance(row, Attendance):
        row.code = codes.get(before.get("code") or "")
        row.late_minutes, row.note = before.get("late_minutes"), before.get("note", "")
    elif isinstance(row, LessonRecord):
        row.topic = before["topic"]
    elif isinstance(row, PeriodMark | YearMark):
        row.value, row.notation = before.get("value", ""), before.get("notation", "")
        row.numeric = scales.of(row).get(row.value) if row.value else None
        if isinstance(row, PeriodMark) and "deferred_until" in before:  # JRN-10's deferral
            deferred = before["deferred_until"]
            row.deferred_until = date.fromisoformat(str(deferred)) if deferred else None
            row.defer_reason = before.get("defer_reason", "")
        if isinstance(row, PeriodMark) and "late" in before:
            row.is_late = before["late"]


def invalidate_staff_account(
    *, ctx: AuditContext, staff: Staff, since: datetime | None = None
) -> Report:
    """AUD-06 for a staff member whose account was reported compromised: from `since` (the
    reported time T by default, never later than T)."""
    from django.core.exceptions import ValidationError

    from otmetka.accounts.models import CredentialIncident

    incident = (
        CredentialIncident.objects.filter(user_id=staff.user_id).order_by("-reported_at").first()
        if staff.user_id
        else None
    )
    if incident is None:
        raise ValidationError({"staff": ["По этой учётной записи нет сообщения о компрометации."]})
    since = since or incident.reported_at
    if since > incident.reported_at:
        raise ValidationError({"since": ["Не позже времени сообщения о компрометации (T)."]})
    return journal_invalidate(ctx=ctx, user_id=staff.user_id, since=since, incident=incident.pk)


def invalidated_rows():
    """What is to be entered again (AUD-06): invalid marks and attendance, oldest lesson first."""
    marks = Mark.objects.filter(invalidated_at__isnull=False).select_related(
        "task__lesson", "student"
    )
    attendance = Attendance.objects.filter(invalidated_at__isnull=False).select_related(
        "lesson", "student"
    )
    return marks.order_by("task__lesson__date"), attendance.order_by("lesson__date")
