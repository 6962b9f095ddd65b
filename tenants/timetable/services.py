"""Writes to the curriculum, bells and timetable (TTB-01…04), validated and audited.

The timetable refuses a teacher, a room, a class or a student in two places at once and names
the clash. Two groups of one class may meet at the same time (a subject split) unless they share
a student; a whole-class lesson clashes with any group lesson of that class.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people.models import Group, GroupMembership, SchoolClass, Staff, Teaching

from .models import Bell, BellSchedule, CurriculumLine, TimetableEntry, Weeks

WEEKDAYS = ["", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"]


@transaction.atomic
def curriculum_line_save(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    grade: int,
    subject: Subject,
    hours: Decimal,
    profile: str = "",
    school_part: bool = False,
    student=None,
) -> CurriculumLine:
    """Set a subject's weekly hours in a grade (and profile), or in the individual curriculum of
    a student who studies by one (PPL-07); hours 0 removes the line."""
    errors = {}
    if not 1 <= grade <= 11:
        errors["grade"] = "Параллель от 1 до 11."
    if not Decimal(0) <= hours <= Decimal(12):
        errors["hours"] = "Часов в неделю — от 0 до 12."
    if student is not None and not student.individual_curriculum:
        errors["student"] = "Обучающийся учится не по индивидуальному учебному плану."
    if errors:
        raise ValidationError(errors)
    same = (
        {"student": student}
        if student is not None
        else {"grade": grade, "profile": profile.strip(), "student": None}
    )
    line = CurriculumLine.objects.filter(year=year, subject=subject, **same).first()
    old = {"hours": line.hours} if line else None
    if hours == 0:
        if line is not None:
            line.delete()
        school_audit_append(
            ctx=ctx,
            action="curriculum.remove",
            old=old,
            new={"grade": grade, "subject": subject.name},
        )
        return CurriculumLine(year=year, grade=grade, subject=subject, hours=Decimal(0))
    line = line or CurriculumLine(
        year=year, grade=grade, profile=profile.strip(), subject=subject, student=student
    )
    line.hours, line.school_part, line.grade = hours, school_part, grade
    line.save()
    school_audit_append(
        ctx=ctx,
        action="curriculum.save",
        obj=line,
        old=old,
        new={
            "grade": grade,
            "profile": line.profile,
            "subject": subject.name,
            "hours": hours,
            "student": student.pk if student is not None else None,
        },
    )
    return line


@dataclass(frozen=True)
class BellInput:
    number: int
    start: time
    end: time


@transaction.atomic
def bell_schedule_save(
    *,
    ctx: AuditContext,
    name: str,
    bells: Sequence[BellInput],
    is_default: bool = False,
    schedule: BellSchedule | None = None,
) -> BellSchedule:
    """A bell schedule: lessons in order, each ending after it starts, none overlapping."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Укажите название."]
    if not bells:
        errors["bells"] = ["Добавьте хотя бы один урок."]
    numbers = [b.number for b in bells]
    if len(set(numbers)) != len(numbers):
        errors["bells"] = ["Номера уроков повторяются."]
    ordered = sorted(enumerate(bells), key=lambda item: item[1].number)
    for i, bell in ordered:
        if bell.end <= bell.start:
            errors[f"bells[{i}].end"] = ["Урок заканчивается раньше, чем начинается."]
    for (_, a), (j, b) in itertools.pairwise(ordered):
        if b.start < a.end:
            errors[f"bells[{j}].start"] = [f"Урок {b.number} начинается до конца урока {a.number}."]
    clash = BellSchedule.objects.filter(name__iexact=name.strip())
    if schedule is not None:
        clash = clash.exclude(pk=schedule.pk)
    if clash.exists():
        errors["name"] = ["Расписание звонков с таким названием уже есть."]
    if errors:
        raise ValidationError(errors)
    schedule = schedule or BellSchedule()
    schedule.name = name.strip()
    if is_default:
        BellSchedule.objects.exclude(pk=schedule.pk).update(is_default=False)
    schedule.is_default = is_default or not BellSchedule.objects.exclude(pk=schedule.pk).exists()
    schedule.save()
    schedule.bells.all().delete()
    Bell.objects.bulk_create(
        Bell(schedule=schedule, number=b.number, start=b.start, end=b.end) for b in bells
    )
    school_audit_append(
        ctx=ctx,
        action="bells.save",
        obj=schedule,
        new={"name": schedule.name, "bells": [[b.number, b.start, b.end] for b in bells]},
    )
    return schedule


@dataclass(frozen=True)
class EntryInput:
    subject: Subject
    teacher: Staff
    weekday: int
    number: int
    valid_from: date
    valid_to: date
    school_class: SchoolClass | None = None
    group: Group | None = None
    room: Room | None = None
    weeks: str = Weeks.EVERY


def _parity_overlap(a: str, b: str) -> bool:
    return a == Weeks.EVERY or b == Weeks.EVERY or a == b


def _describe(entry: TimetableEntry) -> str:
    unit = entry.school_class.name if entry.school_class_id else entry.group.name
    return f"{unit}, {entry.subject.name}, {entry.teacher.short_name}"


def timetable_clashes(data: EntryInput, *, exclude: int | None = None) -> dict[str, list[str]]:
    """Field messages naming each clash of `data` with the timetable (3–4 queries)."""
    same_slot = (
        TimetableEntry.objects.select_related("school_class", "group", "subject", "teacher", "room")
        .filter(
            weekday=data.weekday,
            number=data.number,
            valid_from__lte=data.valid_to,
            valid_to__gte=data.valid_from,
        )
        .exclude(pk=exclude)
    )
    others = [e for e in same_slot if _parity_overlap(e.weeks, data.weeks)]
    errors: dict[str, list[str]] = {}
    when = f"{WEEKDAYS[data.weekday]}, {data.number}-й урок"
    # the classes this lesson occupies, and (for a group) its students
    my_classes: set[int] = (
        {data.school_class.pk}
        if data.school_class
        else set(data.group.classes.values_list("pk", flat=True))
    )
    my_students: set[int] = set()
    if data.group is not None:
        my_students = set(
            GroupMembership.objects.filter(group=data.group, end__isnull=True).values_list(
                "student_id", flat=True
            )
        )
    group_classes = {
        g.pk: {c.pk for c in g.classes.all()}
        for g in Group.objects.filter(
            pk__in=[e.group_id for e in others if e.group_id]
        ).prefetch_related("classes")
    }
    group_students: dict[int, set[int]] = {}
    for group_id, student_id in GroupMembership.objects.filter(
        group_id__in=list(group_classes), end__isnull=True
    ).values_list("group_id", "student_id"):
        group_students.setdefault(group_id, set()).add(student_id)
    for other in others:
        if other.teacher_id == data.teacher.pk:
            errors.setdefault("teacher", []).append(
                f"{data.teacher.short_name} в это время ({when}) уже ведёт урок "
                f"({_describe(other)})."
            )
        if data.room is not None and other.room_id == data.room.pk:
            errors.setdefault("room", []).append(
                f"Кабинет {data.room.number} в это время ({when}) занят ({_describe(other)})."
            )
        other_classes = (
            {other.school_class_id} if other.school_class_id else group_classes[other.group_id]
        )
        whole = data.school_class is not None or other.school_class_id is not None
        if whole and my_classes & other_classes:
            errors.setdefault("school_class", []).append(
                f"У класса в это время ({when}) уже есть урок ({_describe(other)})."
            )
        elif not whole and my_students & group_students.get(other.group_id, set()):
            shared = len(my_students & group_students[other.group_id])
            errors.setdefault("group", []).append(
                f"{shared} обучающихся группы в это время ({when}) заняты ({_describe(other)})."
            )
    return errors


def _entry_errors(
    data: EntryInput, year: AcademicYear | None, exclude: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (data.school_class is None) == (data.group is None):
        errors["school_class"] = ["Укажите класс или группу."]
    if not 1 <= data.weekday <= 6:
        errors["weekday"] = ["День недели: от понедельника (1) до субботы (6)."]
    if not 0 <= data.number <= 12:
        errors["number"] = ["Номер урока: от 0 до 12."]
    if data.valid_to < data.valid_from:
        errors["valid_to"] = ["«По» раньше «с»."]
    if year is not None and (data.valid_from < year.start or data.valid_to > year.end):
        errors["valid_from"] = [f"Даты вне {year.name} учебного года."]
    if data.teacher.deactivated_at is not None:
        errors["teacher"] = ["Сотрудник не работает в школе."]
    if data.room is not None and not data.room.is_active:
        errors["room"] = ["Кабинет не используется."]
    if errors:
        return errors
    unit = Q(school_class=data.school_class) if data.school_class else Q(group=data.group)
    has_load = (
        Teaching.objects.filter(unit, staff=data.teacher, subject=data.subject)
        .filter(start__lte=data.valid_to)
        .filter(Q(end__isnull=True) | Q(end__gte=data.valid_from))
        .exists()
    )
    if not has_load:
        name = data.school_class.name if data.school_class else data.group.name
        errors["teacher"] = [
            f"У {data.teacher.short_name} нет нагрузки по предмету «{data.subject.name}» в {name}."
        ]
        return errors
    return timetable_clashes(data, exclude=exclude)


@transaction.atomic
def timetable_entry_save(
    *,
    ctx: AuditContext,
    data: EntryInput,
    entry: TimetableEntry | None = None,
    today: date | None = None,
) -> TimetableEntry:
    unit = data.school_class or data.group
    errors = _entry_errors(
        data, unit.year if unit is not None else None, exclude=entry.pk if entry else None
    )
    if errors:
        raise ValidationError(errors)
    old = (
        None
        if entry is None
        else {"slot": [entry.weekday, entry.number], "teacher": entry.teacher_id}
    )
    entry = entry or TimetableEntry()
    for field in ("subject", "teacher", "weekday", "number", "valid_from", "valid_to",
                  "school_class", "group", "room", "weeks"):  # fmt: skip
        setattr(entry, field, getattr(data, field))
    entry.save()
    school_audit_append(
        ctx=ctx,
        action="timetable.save",
        obj=entry,
        old=old,
        new={
            "unit": (data.school_class or data.group).name,
            "subject": data.subject.name,
            "teacher": data.teacher.short_name,
            "room": data.room.number if data.room else None,
            "slot": [data.weekday, data.number, data.weeks],
            "dates": [data.valid_from, data.valid_to],
        },
    )
    entry.conflicts = _remake_after_change(ctx, entry, unit.year, today)
    return entry


def _remake_after_change(ctx, entry: TimetableEntry, year, today: date | None) -> list:
    """Once the year's lessons exist, a change re-makes this entry's lessons from today on
    (lessons holding journal data stay and are returned as conflicts)."""
    from django.utils import timezone

    from .lessons import lessons_make
    from .models import Lesson

    if not Lesson.objects.filter(date__range=(year.start, year.end)).exists():
        return []
    start = max(today or timezone.localdate(), year.start)
    return lessons_make(ctx=ctx, year=year, entries=[entry], start=start).conflicts


@transaction.atomic
def timetable_entry_delete(*, ctx: AuditContext, entry: TimetableEntry) -> None:
    """Remove an entry and its lessons from today on, except lessons holding journal data."""
    from django.utils import timezone

    from .models import Lesson

    Lesson.objects.filter(
        entry=entry, date__gte=timezone.localdate(), has_journal_data=False
    ).delete()
    school_audit_append(
        ctx=ctx,
        action="timetable.delete",
        obj=entry,
        old={"slot": [entry.weekday, entry.number], "subject": entry.subject_id},
    )
    entry.delete()


# --- substitutions and reschedules (TTB-05)


@transaction.atomic
def substitution_register(
    *,
    ctx: AuditContext,
    lesson,
    substitute: Staff,
    reason: str,
    at_entry: bool = False,
):
    """A substitute teacher takes a lesson: registered in advance by a deputy, or by the
    substitute when filling in the lesson (the flag stays on the lesson). The substitute gets the
    rights on that lesson (PPL-03); the substitute must be free at that time."""
    from .models import Lesson

    errors: dict[str, list[str]] = {}
    if substitute.deactivated_at is not None:
        errors["substitute"] = ["Сотрудник не работает в школе."]
    elif substitute.pk == lesson.teacher_id:
        errors["substitute"] = ["Замена — другим учителем."]
    if not reason.strip():
        errors["reason"] = ["Укажите причину замены."]
    busy = (
        Lesson.objects.filter(date=lesson.date, number=lesson.number)
        .filter(Q(teacher=substitute, substitute__isnull=True) | Q(substitute=substitute))
        .exclude(pk=lesson.pk)
        .select_related("school_class", "group", "subject", "teacher")
        .first()
    )
    if busy is not None and "substitute" not in errors:
        unit = busy.school_class.name if busy.school_class_id else busy.group.name
        errors["substitute"] = [
            f"{substitute.short_name} в это время ведёт урок ({unit}, {busy.subject.name})."
        ]
    if errors:
        raise ValidationError(errors)
    old = {"substitute": lesson.substitute_id}
    lesson.substitute, lesson.substitution_reason = substitute, reason.strip()
    lesson.substituted_at_entry = at_entry
    lesson.save(update_fields=["substitute", "substitution_reason", "substituted_at_entry"])
    school_audit_append(
        ctx=ctx,
        action="lesson.substitute",
        obj=lesson,
        old=old,
        new={"substitute": substitute.short_name, "at_entry": at_entry, "date": lesson.date},
        reason=lesson.substitution_reason,
    )
    return lesson


@transaction.atomic
def lesson_move(*, ctx: AuditContext, lesson, to_date: date, to_number: int, reason: str):
    """A reschedule: the lesson moves to another date and lesson number (TTB-05), checked for
    clashes of the teacher, the class or group and the room on that date."""
    from .models import Lesson

    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Укажите причину переноса."]
    if lesson.has_journal_data:
        errors["lesson"] = ["На уроке уже есть записи журнала: перенос невозможен."]
    clash = Lesson.objects.filter(date=to_date, number=to_number).exclude(pk=lesson.pk)
    unit = (
        Q(school_class_id=lesson.school_class_id)
        if lesson.school_class_id
        else Q(group_id=lesson.group_id)
    )
    teacher = lesson.substitute_id or lesson.teacher_id
    busy = unit | Q(teacher_id=teacher) | Q(substitute_id=teacher)
    if lesson.room_id:
        busy |= Q(room_id=lesson.room_id)
    taken = clash.filter(busy).first()
    if taken is not None:
        errors["to_date"] = [f"В это время уже есть урок: {taken}."]
    if errors:
        raise ValidationError(errors)
    old = {"date": lesson.date, "number": lesson.number}
    lesson.moved_from = lesson.moved_from or lesson.date
    lesson.date, lesson.number = to_date, to_number
    lesson.entry = None  # no longer the timetable's: a re-make leaves it alone
    lesson.save(update_fields=["date", "number", "moved_from", "entry"])
    from .plans import plans_fill_for_units

    plans_fill_for_units([(lesson.school_class_id, lesson.group_id, lesson.subject_id)])
    school_audit_append(
        ctx=ctx,
        action="lesson.move",
        obj=lesson,
        old=old,
        new={"date": to_date, "number": to_number},
        reason=reason.strip(),
    )
    return lesson


# --- a whole timetable at once (a scheduling program's export, the demo)


def _batch_clashes(batch: Sequence[EntryInput]) -> list[str]:
    """Clashes inside `batch` and with the stored timetable, named, without a query per entry."""
    keyed: dict[tuple[int, int], list[tuple[str, EntryInput | TimetableEntry]]] = {}
    stored = TimetableEntry.objects.select_related(
        "school_class", "group", "subject", "teacher", "room"
    ).prefetch_related("group__classes")
    for entry in stored:
        keyed.setdefault((entry.weekday, entry.number), []).append(("stored", entry))
    problems: list[str] = []
    for i, data in enumerate(batch):
        slot = keyed.setdefault((data.weekday, data.number), [])
        mine = (
            {data.school_class.pk}
            if data.school_class
            else {c.pk for c in data.group.classes.all()}
        )
        for _, other in slot:
            if other.valid_from > data.valid_to or other.valid_to < data.valid_from:
                continue
            if not _parity_overlap(other.weeks, data.weeks):
                continue
            theirs = (
                {other.school_class.pk}
                if other.school_class
                else {c.pk for c in other.group.classes.all()}
            )
            whole = data.school_class is not None or other.school_class is not None
            when = f"{WEEKDAYS[data.weekday]}, {data.number}-й урок"
            if other.teacher.pk == data.teacher.pk:
                problems.append(f"Строка {i + 1}: {data.teacher.short_name} занят(а) ({when}).")
            elif data.room is not None and other.room is not None and other.room.pk == data.room.pk:
                problems.append(f"Строка {i + 1}: кабинет {data.room.number} занят ({when}).")
            elif whole and mine & theirs:
                problems.append(f"Строка {i + 1}: у класса уже есть урок ({when}).")
        slot.append(("new", data))
    return problems


@transaction.atomic
def timetable_load(*, ctx: AuditContext, year: AcademicYear, entries: Sequence[EntryInput]) -> int:
    """Add many timetable entries at once, all or nothing: every clash (inside the batch or with
    the stored timetable) is named; each entry needs the teacher's load for it."""
    problems = []
    for i, data in enumerate(entries):
        unit = data.school_class or data.group
        if unit is None or (data.school_class is not None and data.group is not None):
            problems.append(f"Строка {i + 1}: укажите класс или группу.")
        elif unit.year_id != year.pk:
            problems.append(f"Строка {i + 1}: {unit.name} — класс другого учебного года.")
        elif not (1 <= data.weekday <= 6 and 0 <= data.number <= 12):
            problems.append(f"Строка {i + 1}: день недели 1–6, урок 0–12.")
        elif data.valid_from < year.start or data.valid_to > year.end:
            problems.append(f"Строка {i + 1}: даты вне {year.name} учебного года.")
    if problems:
        raise ValidationError({"entries": problems})
    load = set(
        Teaching.objects.filter(end__isnull=True).values_list(
            "staff_id", "subject_id", "school_class_id", "group_id"
        )
    )
    for i, data in enumerate(entries):
        key = (
            data.teacher.pk,
            data.subject.pk,
            data.school_class.pk if data.school_class else None,
            data.group.pk if data.group else None,
        )
        if key not in load:
            problems.append(
                f"Строка {i + 1}: у {data.teacher.short_name} нет нагрузки «{data.subject.name}»."
            )
    problems += _batch_clashes(entries)
    if problems:
        raise ValidationError({"entries": problems[:100]})
    TimetableEntry.objects.bulk_create(
        TimetableEntry(
            school_class=d.school_class, group=d.group, subject=d.subject, teacher=d.teacher,
            room=d.room, weekday=d.weekday, number=d.number, weeks=d.weeks,
            valid_from=d.valid_from, valid_to=d.valid_to,
        )
        for d in entries
    )  # fmt: skip
    school_audit_append(
        ctx=ctx, action="timetable.load", new={"year": year.name, "entries": len(entries)}
    )
    return len(entries)
