"""Reading the journal: who may read which class's subject, and the grid of one class (or group)
× subject × period in a fixed number of queries, whatever the class size (JRN-11, AUD-07)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from tenants.configuration.averaging import (
    Average,
    WeightedMark,
    predicted_mark,
    weighted_average,
)
from tenants.configuration.models import Period, Subject, WorkType
from tenants.configuration.selectors import grading_system_for, regulation_in_force
from tenants.people.models import (
    ClassMembership,
    Group,
    GroupMembership,
    SchoolClass,
    Student,
    short_name,
)
from tenants.people.selectors import led_class_ids, staff_of, teaches, unit_grade
from tenants.timetable.models import Lesson

from .models import AbsenceCode, Attendance, Mark, PeriodMark, Task
from .period_marks import locks


def readable_student_ids(
    caller: Caller, *, school_class: SchoolClass | None, group: Group | None, subject: Subject
) -> set[int] | None:
    """None: the caller reads the whole unit (the administration, its teachers); otherwise the
    students of it they may read (a class teacher: their own class in a group). 403 when none."""
    if caller.has_any({Scope.PEOPLE_READ}) and caller.has_any({Scope.JOURNAL_READ}):
        return None
    staff = staff_of(caller)
    if staff is None:
        raise PermissionDenied("Журнал этого класса вам недоступен.")
    today = timezone.localdate()
    unit = {
        "school_class_id": school_class.pk if school_class else None,
        "group_id": group.pk if group else None,
    }
    if teaches(staff, subject_id=subject.pk, **unit, on=today):
        return None
    led = led_class_ids(staff, today)
    if school_class is not None and school_class.pk in led:
        return None  # a class teacher reads every subject of their class (AUD-07)
    if group is not None:
        mine = set(group.classes.filter(pk__in=led).values_list("pk", flat=True))
        if mine:
            return set(
                ClassMembership.objects.filter(school_class_id__in=mine, start__lte=today)
                .filter(Q(end__isnull=True) | Q(end__gte=today))
                .values_list("student_id", flat=True)
            )
    raise PermissionDenied("Журнал этого класса вам недоступен.")


@dataclass
class Grid:
    """The grid as rows ready to send: plain dicts, not model instances, so a class of 35 with
    hundreds of marks is read without building thousands of objects."""

    period: Period
    students: list[dict]
    lessons: list[dict]
    tasks: list[dict]
    marks: list[dict]
    attendance: list[dict]
    scale: list[tuple[str, Decimal | None]]
    work_types: list[WorkType]
    codes: list[AbsenceCode]
    averages: dict[int, dict] = field(default_factory=dict)
    period_marks: list = field(default_factory=list)
    locked_for_teacher: bool = False


def journal_grid(
    *,
    school_class: SchoolClass | None,
    group: Group | None,
    subject: Subject,
    period: Period,
    only_students: set[int] | None = None,
) -> Grid:
    """Students × lessons of a class or group in a subject and period, with attendance, marks,
    weighted averages and predicted period marks. A fixed number of queries (about 15)."""
    unit = Q(school_class=school_class) if school_class else Q(group=group)
    memberships = (
        ClassMembership.objects.filter(school_class=school_class)
        if school_class
        else GroupMembership.objects.filter(group=group)
    )
    memberships = memberships.filter(start__lte=period.end).filter(
        Q(end__isnull=True) | Q(end__gte=period.start)
    )
    spans = list(memberships.values_list("student_id", "end"))
    at_end = {sid for sid, end in spans if end is None or end >= period.end}
    in_unit = Student.objects.filter(pk__in={sid for sid, _ in spans})
    if only_students is not None:
        in_unit = in_unit.filter(pk__in=only_students)
    students = [
        {"id": pk, "name": short_name(last, first, middle)}
        for pk, last, first, middle in in_unit.order_by(
            "last_name", "first_name", "pk"
        ).values_list("pk", "last_name", "first_name", "middle_name")
    ]
    ids = [s["id"] for s in students]
    lesson_rows = (
        Lesson.objects.filter(unit, subject=subject, date__range=(period.start, period.end))
        .order_by("date", "number", "pk")
        .values_list(
            "pk", "date", "number", "record__topic", "record__version", "plan_topic__title",
            "substitute__last_name", "substitute__first_name", "substitute__middle_name",
        )
    )  # fmt: skip
    lessons = [
        {
            "id": pk, "date": day, "number": number, "topic": topic or "",
            "topic_version": version, "planned_topic": planned or "",
            "substitute": short_name(*sub) if sub[0] else None,
        }
        for pk, day, number, topic, version, planned, *sub in lesson_rows
    ]  # fmt: skip
    lesson_ids = [lesson["id"] for lesson in lessons]
    task_rows = list(
        Task.objects.filter(lesson_id__in=lesson_ids)
        .order_by("lesson", "pk")
        .values_list("pk", "lesson_id", "work_type_id", "title", "work_type__weight")
    )
    tasks = [{"id": pk, "lesson": lesson, "work_type": work_type, "title": title}
             for pk, lesson, work_type, title, _ in task_rows]  # fmt: skip
    weights = {row[0]: row[4] for row in task_rows}
    mark_rows = Mark.objects.filter(task_id__in=weights, student_id__in=ids).values_list(
        "task_id", "student_id", "value", "numeric", "comment", "version", "is_late",
        "invalidated_at",
    )  # fmt: skip
    marks = []
    per_student: dict[int, list[WeightedMark]] = defaultdict(list)
    for task, student, value, numeric, comment, version, late, invalidated in mark_rows:
        invalid = invalidated is not None
        marks.append({"task": task, "student": student, "value": value, "comment": comment,
                      "version": version, "late": late, "invalid": invalid})  # fmt: skip
        if numeric is not None and invalidated is None:  # AUD-06: not counted
            per_student[student].append(WeightedMark(numeric, weights[task]))
    attendance = [
        {"lesson": lesson, "student": student, "code": code or "", "late_minutes": minutes,
         "note": note, "version": version, "late": late, "invalid": invalidated is not None}
        for lesson, student, code, minutes, note, version, late, invalidated in Attendance.objects
        .filter(lesson_id__in=lesson_ids, student_id__in=ids)
        .values_list("lesson_id", "student_id", "code__code", "late_minutes", "note", "version",
                     "is_late", "invalidated_at")
    ]  # fmt: skip
    grade = unit_grade(school_class, group)
    system = grading_system_for(subject=subject, grade=grade, school_class=school_class)
    scale = [(v.code, v.numeric) for v in system.values.order_by("position")]
    rules = regulation_in_force(period.end)
    threshold = Decimal(str(rules.get("rounding_threshold", "0.5")))
    min_marks = int(rules.get("min_marks_per_period", 3))
    numeric_scale = [n for _, n in scale if n is not None]
    code_of = {n: code for code, n in scale if n is not None}  # the predicted mark as a code
    averages = {}
    for pk in ids:
        average = weighted_average(per_student.get(pk, []), min_marks=min_marks)
        predicted = predicted_mark(average.value, numeric_scale, threshold=threshold)
        averages[pk] = {
            "average": average.value,
            "count": average.count,
            "too_few": average.too_few,
            "predicted": code_of.get(predicted) if predicted is not None else None,
        }
    # the whole unit's period marks: the lock counts every student, the grid shows the readable
    unit_period_marks = list(
        PeriodMark.objects.filter(
            period=period, subject=subject, school_class=school_class, group=group
        )
    )
    shown = set(ids)
    return Grid(
        period=period,
        students=students,
        lessons=lessons,
        tasks=tasks,
        marks=marks,
        attendance=attendance,
        scale=scale,
        work_types=list(WorkType.objects.filter(is_active=True).order_by("name")),
        codes=list(AbsenceCode.objects.filter(is_active=True)),
        averages=averages,
        period_marks=[m for m in unit_period_marks if m.student_id in shown],
        locked_for_teacher=locks(rules, at_end, {m.student_id for m in unit_period_marks}),
    )


def student_period_average(*, student: Student, subject: Subject, period: Period) -> Average:
    """A student's weighted average in a subject over a period, by the grid's rule: each mark
    weighted by its task's work type, invalidated marks left out (AUD-06), `too_few` below the
    regulation's `min_marks_per_period`. Over all the student's marks in the subject in the
    period, as the diary shows them (the same figure as the grid for a student who stayed in
    the class). Two queries."""
    rows = Mark.objects.filter(
        student=student,
        numeric__isnull=False,
        invalidated_at__isnull=True,
        task__lesson__subject=subject,
        task__lesson__date__range=(period.start, period.end),
    ).values_list("numeric", "task__work_type__weight")
    rules = regulation_in_force(period.end)
    return weighted_average(
        [WeightedMark(numeric, weight) for numeric, weight in rows],
        min_marks=int(rules.get("min_marks_per_period", 3)),
    )
