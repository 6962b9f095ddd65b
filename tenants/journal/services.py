"""Writes to the journal: topics, attendance, notes, tasks and marks, in one transaction with
their audit records (AUD-01), with optimistic concurrency.

`journal_save` takes many cells at once (the grid's bulk save) in a fixed number of queries:
- every cell is checked first; any bad cell (a value outside the subject's scale, a student not
  in the lesson's class or group, a locked period, a change after the deadline without a reason)
  refuses the whole save with the cell named, and nothing is written;
- a cell whose stored version differs from the one the caller read (someone else changed it) is
  not overwritten: it comes back as a conflict with what is stored now, and the rest is saved;
- entries after their deadline (X-03: the work type's `mark_due_days` after the lesson; the
  lesson day for attendance and the topic) are saved and flagged, never refused (JRN-07);
  changing or removing an entry after its deadline needs a reason (CFG-12, N-04).
Only the lesson's teacher, its substitute or a co-teacher of the subject writes (PPL-03, AUD-07).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from otmetka.notifications.hooks import marks_saved
from tenants.audit.services import school_audit_append, school_audit_append_many
from tenants.configuration.models import Period, WorkType
from tenants.configuration.selectors import grading_system_for
from tenants.people.models import ClassMembership, GroupMembership, Staff
from tenants.people.selectors import unit_grade
from tenants.school.clock import day_end, school_zone
from tenants.timetable.access import writable_lesson_ids
from tenants.timetable.lessons import lesson_units
from tenants.timetable.models import Lesson

from .models import AbsenceCode, Attendance, LessonRecord, Mark, Task

# --- inputs and results


@dataclass(frozen=True)
class MarkChange:
    task: int
    student: int
    value: str  # a code of the subject's scale; "" removes the mark
    comment: str = ""
    version: int | None = None  # the version read; None: the cell was empty
    reason: str = ""


@dataclass(frozen=True)
class AttendanceChange:
    lesson: int
    student: int
    code: str  # an absence code; "" means present
    late_minutes: int | None = None
    note: str = ""
    version: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class TopicChange:
    lesson: int
    topic: str
    version: int | None = None
    reason: str = ""


@dataclass
class Conflict:
    kind: str  # "mark", "attendance", "topic"
    key: dict
    current: dict | None  # what is stored now (None: removed meanwhile)


@dataclass
class SaveResult:
    saved: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    records: list[LessonRecord] = field(default_factory=list)
    removed_marks: list[tuple[int, int]] = field(default_factory=list)


# --- deadlines


def mark_due(lesson_date: date, work_type: WorkType, zone=None) -> datetime:
    """The last moment a mark for a task of `work_type` is on time (school time)."""
    return day_end(lesson_date + timedelta(days=work_type.mark_due_days), zone)


def lesson_day_due(lesson_date: date, zone=None) -> datetime:
    return day_end(lesson_date, zone)


# --- rights, periods, membership


def _grade(lesson: Lesson) -> int:
    return unit_grade(
        lesson.school_class if lesson.school_class_id else None,
        lesson.group if lesson.group_id else None,
    )


def locked_lessons(lessons: Sequence[Lesson], now: datetime) -> dict[int, str]:
    """Lessons in a closed period (CFG-12) that is not reopened: lesson id → period name.
    One query."""
    if not lessons:
        return {}
    days = [lesson.date for lesson in lessons]
    periods = list(
        Period.objects.filter(start__lte=max(days), end__gte=min(days), closed_at__isnull=False)
        .select_related("structure")
        .only("name", "start", "end", "closed_at", "reopened_until", "structure__grade_from",
              "structure__grade_to")
    )  # fmt: skip
    locked = {}
    for lesson in lessons:
        grade = _grade(lesson)
        for period in periods:
            if not (period.start <= lesson.date <= period.end):
                continue
            if not (period.structure.grade_from <= grade <= period.structure.grade_to):
                continue
            if period.is_locked(now):
                locked[lesson.pk] = f"Период «{period.name}» закрыт: нужен запрос на исправление."
    return locked


def marked_lessons(lessons: Sequence[Lesson]) -> dict[int, str]:
    """Lessons whose class-or-group, subject and period already have all their period marks
    (X-05: locked for the teacher): lesson id → period name. A few queries per unit."""
    from .period_marks import teacher_locked

    if not lessons:
        return {}
    days = [lesson.date for lesson in lessons]
    periods = list(
        Period.objects.filter(start__lte=max(days), end__gte=min(days)).select_related("structure")
    )
    result, seen = {}, {}
    for lesson in lessons:
        grade = _grade(lesson)
        period = next(
            (p for p in periods if p.start <= lesson.date <= p.end
             and p.structure.grade_from <= grade <= p.structure.grade_to),
            None,
        )  # fmt: skip
        if period is None:
            continue
        key = (lesson.school_class_id, lesson.group_id, lesson.subject_id, period.pk)
        if key not in seen:
            seen[key] = teacher_locked(
                school_class=lesson.school_class if lesson.school_class_id else None,
                group=lesson.group if lesson.group_id else None,
                subject=lesson.subject,
                period=period,
            )
        if seen[key]:
            result[lesson.pk] = (
                f"Отметки за «{period.name}» выставлены: изменения — через запрос на исправление."
            )
    return result


def lesson_members(lessons: Sequence[Lesson]) -> dict[int, set[int]]:
    """Students of each lesson's class or group on its date (2 queries)."""
    class_ids = {lesson.school_class_id for lesson in lessons if lesson.school_class_id}
    group_ids = {lesson.group_id for lesson in lessons if lesson.group_id}
    if not lessons:
        return {}
    low = min(lesson.date for lesson in lessons)
    high = max(lesson.date for lesson in lessons)
    spans: dict[tuple[str, int], list[tuple[int, date, date | None]]] = defaultdict(list)
    window = Q(start__lte=high) & (Q(end__isnull=True) | Q(end__gte=low))
    for cid, sid, start, end in ClassMembership.objects.filter(
        window, school_class_id__in=class_ids
    ).values_list("school_class_id", "student_id", "start", "end"):
        spans[("c", cid)].append((sid, start, end))
    for gid, sid, start, end in GroupMembership.objects.filter(
        window, group_id__in=group_ids
    ).values_list("group_id", "student_id", "start", "end"):
        spans[("g", gid)].append((sid, start, end))
    result = {}
    for lesson in lessons:
        key = ("c", lesson.school_class_id) if lesson.school_class_id else ("g", lesson.group_id)
        result[lesson.pk] = {
            sid
            for sid, start, end in spans.get(key, [])
            if start <= lesson.date and (end is None or end >= lesson.date)
        }
    return result


class _Scales:
    """The grading scale (code → numeric value) of each subject in a class or group, looked up
    once per subject and unit."""

    def __init__(self):
        self.cache: dict[tuple, dict[str, Decimal | None]] = {}

    def values(self, lesson: Lesson) -> dict[str, Decimal | None]:
        """The scale of a lesson's subject in its class or group."""
        return self.of(lesson)

    def of(self, row) -> dict[str, Decimal | None]:
        """The scale of the subject of `row` in its class or group: a lesson, a period mark or
        a year mark (anything with `subject`, `school_class` and `group`)."""
        key = (row.subject_id, row.school_class_id, row.group_id)
        if key not in self.cache:
            school_class = row.school_class if row.school_class_id else None
            group = row.group if row.group_id else None
            system = grading_system_for(
                subject=row.subject,
                grade=unit_grade(school_class, group),
                school_class=school_class,
            )
            self.cache[key] = {v.code: v.numeric for v in system.values.all()}
        return self.cache[key]


# --- tasks


@transaction.atomic
def task_add(
    *, ctx: AuditContext, lesson: Lesson, work_type: WorkType | None, author: Staff, title: str = ""
) -> Task:
    """A task with its work type at a lesson: the column marks go in (JRN-05); set by the
    lesson's teacher, its substitute or a co-teacher."""
    if lesson.pk not in writable_lesson_ids(author, [lesson], timezone.localdate()):
        raise PermissionDenied("Задания на уроке даёт учитель этого урока.")
    if work_type is None:
        raise ValidationError({"work_type": ["Отметка ставится за задание с видом работы."]})
    if not work_type.is_active:
        raise ValidationError({"work_type": ["Этот вид работы не используется в школе."]})
    if len(title) > 200:
        raise ValidationError({"title": ["Не длиннее 200 знаков."]})
    locked = locked_lessons([lesson], timezone.now()) | marked_lessons([lesson])
    if locked:
        raise ValidationError({"lesson": [locked[lesson.pk]]})
    task = Task.objects.create(
        lesson=lesson, work_type=work_type, title=title.strip(), created_by=author
    )
    if not lesson.has_journal_data:
        Lesson.objects.filter(pk=lesson.pk).update(has_journal_data=True)
    school_audit_append(
        ctx=ctx,
        action="journal.task_add",
        obj=task,
        new={"lesson": lesson.pk, "work_type": work_type.code, "title": task.title},
    )
    return task


# --- the bulk save


@dataclass
class _Loaded:
    lessons: dict[int, Lesson]
    tasks: dict[int, Task]
    marks: dict[tuple[int, int], Mark]
    attendance: dict[tuple[int, int], Attendance]
    records: dict[int, LessonRecord]
    codes: dict[str, AbsenceCode]


def _load(marks, attendance, topics) -> _Loaded:
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in={m.task for m in marks}).select_related("work_type")
    }
    lesson_ids = {t.lesson_id for t in tasks.values()}
    lesson_ids |= {a.lesson for a in attendance} | {t.lesson for t in topics}
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(pk__in=lesson_ids)
        .select_related("school_class", "group", "subject")
        .prefetch_related("group__classes")
    }
    mark_rows = {}
    if marks:
        wanted = Q()
        for task_id, students in _by(marks, "task", "student").items():
            wanted |= Q(task_id=task_id, student_id__in=students)
        mark_rows = {(m.task_id, m.student_id): m for m in Mark.objects.filter(wanted)}
    attendance_rows = {}
    if attendance:
        wanted = Q()
        for lesson_id, students in _by(attendance, "lesson", "student").items():
            wanted |= Q(lesson_id=lesson_id, student_id__in=students)
        attendance_rows = {
            (a.lesson_id, a.student_id): a
            for a in Attendance.objects.filter(wanted).select_related("code")
        }
    records = {
        r.lesson_id: r
        for r in LessonRecord.objects.filter(lesson_id__in={t.lesson for t in topics})
    }
    codes = {c.code: c for c in AbsenceCode.objects.filter(is_active=True)} if attendance else {}
    return _Loaded(lessons, tasks, mark_rows, attendance_rows, records, codes)


def _by(items, outer: str, inner: str) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for item in items:
        grouped[getattr(item, outer)].add(getattr(item, inner))
    return grouped


def _mark_view(mark: Mark | None) -> dict | None:
    if mark is None:
        return None
    return {"value": mark.value, "comment": mark.comment, "version": mark.version}


def journal_save(
    *,
    ctx: AuditContext,
    author: Staff | None,
    marks: Sequence[MarkChange] = (),
    attendance: Sequence[AttendanceChange] = (),
    topics: Sequence[TopicChange] = (),
    now: datetime | None = None,
    correction: str = "",
) -> SaveResult:
    """Save many journal cells at once (see the module's docstring). `correction` (the approved
    request's number and reason) lets the cells past a lock and is their audit reason."""
    now = now or timezone.now()
    with transaction.atomic():
        result = _save(ctx, author, list(marks), list(attendance), list(topics), now, correction)
        marks_saved([m.pk for m in result.marks if m.version == 1])  # SMS once it commits
        return result


def _save(ctx, author, marks, attendance, topics, now, correction="") -> SaveResult:
    loaded = _load(marks, attendance, topics)
    zone = school_zone()

    def why(change) -> str:  # the audit reason: the cell's own, or the approved correction's
        return change.reason.strip() or correction

    errors: dict[str, list[str]] = {}
    for i, change in enumerate(marks):
        if change.task not in loaded.tasks:
            errors[f"marks[{i}].task"] = ["Нет такого задания."]
    for kind, items in (("attendance", attendance), ("topics", topics)):
        for i, change in enumerate(items):
            if change.lesson not in loaded.lessons:
                errors[f"{kind}[{i}].lesson"] = ["Нет такого урока."]
    if errors:
        raise ValidationError(errors)
    lessons = list(loaded.lessons.values())
    allowed = writable_lesson_ids(author, lessons, timezone.localdate())
    if len(allowed) < len(lessons):
        raise PermissionDenied("Записи урока вносит учитель этого урока или замещающий его.")
    locked = {} if correction else locked_lessons(lessons, now) | marked_lessons(lessons)
    members = lesson_members(lessons)
    scales = _Scales()

    def check_lesson(prefix: str, lesson_id: int, student: int | None) -> None:
        if lesson_id in locked:
            errors.setdefault(prefix, []).append(locked[lesson_id])
        if student is not None and student not in members[lesson_id]:
            errors.setdefault(f"{prefix}.student", []).append(
                "Обучающийся не учится в этом классе или группе на дату урока."
            )

    result = SaveResult()
    audit: list[Entry] = []
    new_marks, changed_marks, removed_marks = [], [], []
    for i, change in enumerate(marks):
        task = loaded.tasks[change.task]
        lesson = loaded.lessons[task.lesson_id]
        prefix = f"marks[{i}]"
        check_lesson(prefix, lesson.pk, change.student)
        value = change.value.strip()
        scale = scales.values(lesson)
        if value and value not in scale:
            allowed_codes = ", ".join(scale) or "—"
            errors[f"{prefix}.value"] = [f"Нет такой отметки в шкале предмета ({allowed_codes})."]
        if len(change.comment) > 300:
            errors[f"{prefix}.comment"] = ["Не длиннее 300 знаков."]
        stored = loaded.marks.get((task.pk, change.student))
        if (stored.version if stored else None) != change.version:
            result.conflicts.append(
                Conflict("mark", {"task": task.pk, "student": change.student}, _mark_view(stored))
            )
            continue
        late = now > mark_due(lesson.date, task.work_type, zone)
        if stored is not None and late and not why(change):
            errors[f"{prefix}.reason"] = [
                "Срок выставления прошёл: исправление — с указанием причины."
            ]
        if stored is None and not value:
            continue
        if stored is None:
            mark = Mark(task=task, student_id=change.student, value=value, numeric=scale.get(value),
                        comment=change.comment.strip(), entered_at=now, entered_by=author,
                        is_late=late)  # fmt: skip
            new_marks.append(mark)
            audit.append(Entry("journal.mark_add", mark, None, _mark_audit(mark, lesson),
                               why(change)))  # fmt: skip
        elif not value:
            removed_marks.append(stored)
            audit.append(Entry("journal.mark_remove", stored, _mark_audit(stored, lesson), None,
                               why(change)))  # fmt: skip
        else:
            old = _mark_audit(stored, lesson)
            stored.value, stored.numeric = value, scale.get(value)
            stored.comment, stored.entered_at, stored.entered_by = (
                change.comment.strip(),
                now,
                author,
            )
            stored.is_late = stored.is_late or late
            stored.version += 1
            stored.invalidated_at = None  # a re-entry of an invalidated mark (AUD-06)
            changed_marks.append(stored)
            audit.append(Entry("journal.mark_change", stored, old, _mark_audit(stored, lesson),
                               why(change)))  # fmt: skip
    new_rows, changed_rows = [], []
    for i, change in enumerate(attendance):
        lesson = loaded.lessons[change.lesson]
        prefix = f"attendance[{i}]"
        check_lesson(prefix, lesson.pk, change.student)
        code = loaded.codes.get(change.code) if change.code else None
        if change.code and code is None:
            errors[f"{prefix}.code"] = [
                f"Нет такого кода отсутствия ({', '.join(loaded.codes) or '—'})."
            ]
        if change.late_minutes is not None and not 0 < change.late_minutes <= 90:
            errors[f"{prefix}.late_minutes"] = ["Опоздание — от 1 до 90 минут."]
        if len(change.note) > 300:
            errors[f"{prefix}.note"] = ["Не длиннее 300 знаков."]
        stored = loaded.attendance.get((lesson.pk, change.student))
        if (stored.version if stored else None) != change.version:
            result.conflicts.append(
                Conflict("attendance", {"lesson": lesson.pk, "student": change.student},
                         _attendance_audit(stored))
            )  # fmt: skip
            continue
        late = now > lesson_day_due(lesson.date, zone)
        if stored is not None and late and not why(change):
            errors[f"{prefix}.reason"] = ["День урока прошёл: исправление — с указанием причины."]
        if stored is None:
            row = Attendance(lesson=lesson, student_id=change.student, code=code,
                             late_minutes=change.late_minutes, note=change.note.strip(),
                             entered_at=now, entered_by=author, is_late=late)  # fmt: skip
            new_rows.append(row)
            audit.append(Entry("journal.attendance_add", row, None, _attendance_audit(row),
                               why(change)))  # fmt: skip
        else:
            old = _attendance_audit(stored)
            stored.code, stored.late_minutes = code, change.late_minutes
            stored.note, stored.entered_at, stored.entered_by = change.note.strip(), now, author
            stored.is_late = stored.is_late or late
            stored.version += 1
            stored.invalidated_at = None
            changed_rows.append(stored)
            audit.append(Entry("journal.attendance_change", stored, old,
                               _attendance_audit(stored), why(change)))  # fmt: skip
    new_records, changed_records = [], []
    for i, change in enumerate(topics):
        lesson = loaded.lessons[change.lesson]
        prefix = f"topics[{i}]"
        check_lesson(prefix, lesson.pk, None)
        topic = change.topic.strip()
        if not topic:
            errors[f"{prefix}.topic"] = ["Укажите тему урока."]
        elif len(topic) > 500:
            errors[f"{prefix}.topic"] = ["Не длиннее 500 знаков."]
        stored = loaded.records.get(lesson.pk)
        if (stored.version if stored else None) != change.version:
            current = {"topic": stored.topic, "version": stored.version} if stored else None
            result.conflicts.append(Conflict("topic", {"lesson": lesson.pk}, current))
            continue
        late = now > lesson_day_due(lesson.date, zone)
        if stored is not None and late and not why(change):
            errors[f"{prefix}.reason"] = ["День урока прошёл: исправление — с указанием причины."]
        if stored is None:
            record = LessonRecord(lesson=lesson, topic=topic, entered_at=now, entered_by=author,
                                  is_late=late)  # fmt: skip
            new_records.append(record)
            audit.append(Entry("journal.topic_set", record, None, {"lesson": lesson.pk,
                               "topic": topic}, why(change)))  # fmt: skip
        else:
            old = {"topic": stored.topic}
            stored.topic, stored.entered_at, stored.entered_by = topic, now, author
            stored.is_late = stored.is_late or late
            stored.version += 1
            stored.invalidated_at = None
            changed_records.append(stored)
            audit.append(Entry("journal.topic_set", stored, old, {"lesson": lesson.pk,
                               "topic": topic}, why(change)))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    # write: inserts first (audit records need their ids), then updates and removals
    Mark.objects.bulk_create(new_marks, batch_size=1000)
    Attendance.objects.bulk_create(new_rows, batch_size=1000)
    LessonRecord.objects.bulk_create(new_records)
    fields = ["value", "numeric", "comment", "entered_at", "entered_by", "is_late", "version",
              "invalidated_at"]  # fmt: skip
    Mark.objects.bulk_update(changed_marks, fields, batch_size=1000)
    Attendance.objects.bulk_update(
        changed_rows,
        [
            "code",
            "late_minutes",
            "note",
            "entered_at",
            "entered_by",
            "is_late",
            "version",
            "invalidated_at",
        ],
        batch_size=1000,
    )
    LessonRecord.objects.bulk_update(
        changed_records,
        ["topic", "entered_at", "entered_by", "is_late", "version", "invalidated_at"],
    )
    # a removed mark keeps its id there; only these lessons' classes and groups changed
    school_audit_append_many(ctx=ctx, entries=audit, units=lesson_units(lessons))
    Mark.objects.filter(pk__in=[m.pk for m in removed_marks]).delete()
    touched = {loaded.tasks[m.task].lesson_id for m in marks} | {a.lesson for a in attendance}
    touched |= {t.lesson for t in topics}
    Lesson.objects.filter(pk__in=touched, has_journal_data=False).update(has_journal_data=True)
    result.marks = new_marks + changed_marks
    result.attendance = new_rows + changed_rows
    result.records = new_records + changed_records
    result.removed_marks = [(m.task_id, m.student_id) for m in removed_marks]
    result.saved = len(audit)
    return result


def _mark_audit(mark: Mark, lesson: Lesson) -> dict:
    return {
        "student": mark.student_id,
        "task": mark.task_id,
        "lesson": lesson.pk,
        "date": lesson.date,
        "value": mark.value,
        "comment": mark.comment,
        "late": mark.is_late,
        "entered_by": mark.entered_by_id,  # whom a restored mark is credited to (AUD-06)
    }


def _attendance_audit(row: Attendance | None) -> dict | None:
    if row is None:
        return None
    return {
        "student": row.student_id,
        "lesson": row.lesson_id,
        "code": row.code.code if row.code_id else "",
        "late_minutes": row.late_minutes,
        "note": row.note,
        "version": row.version,
    }


# --- the school's absence codes (N-03)


@transaction.atomic
def absence_code_save(
    *,
    ctx: AuditContext,
    code: str,
    label: str,
    counts_present: bool = False,
    allows_makeup: bool = False,
    is_active: bool = True,
    existing: AbsenceCode | None = None,
) -> AbsenceCode:
    """Add or change an absence code of the school; a code in use is retired, never deleted."""
    code = code.strip().upper()
    errors = {}
    if not code or len(code) > 8:
        errors["code"] = ["Код — от 1 до 8 знаков."]
    if not label.strip():
        errors["label"] = ["Укажите название."]
    clash = AbsenceCode.objects.filter(code=code)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if code and clash.exists():
        errors["code"] = ["Такой код уже есть."]
    if errors:
        raise ValidationError(errors)
    old = None
    if existing is not None:
        old = {"code": existing.code, "label": existing.label, "active": existing.is_active}
    row = existing or AbsenceCode(position=AbsenceCode.objects.count() + 1)
    row.code, row.label = code, label.strip()[:60]
    row.counts_present, row.allows_makeup, row.is_active = counts_present, allows_makeup, is_active
    row.save()
    school_audit_append(
        ctx=ctx, action="journal.absence_code_save", obj=row, old=old,
        new={"code": row.code, "label": row.label, "counts_present": counts_present,
             "allows_makeup": allows_makeup, "active": is_active},
    )  # fmt: skip
    return row
