"""Who may write lesson plans, homework and recommendations (PPL-03, AUD-07), checked by the
services that write them (views and pages only work out the caller and pass it on).

Timetables and plans are not personal data: every staff member reads them. A plan is written by a
teacher who teaches that subject to that class or group, or by the administration. Homework is
journal data: only the lesson's teacher or its substitute (or a co-teacher of the subject) writes
it; the administration reads. Recommendations are written by those who teach the student or lead
their class.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from tenants.people.models import Staff, Student, Teaching
from tenants.people.selectors import (
    current,
    led_class_ids,
    led_student_ids,
    staff_of,
    taught_student_ids,
    teaches,
)

from .models import Lesson, LessonPlan


def plan_writer(caller: Caller, plan: LessonPlan) -> bool:
    """Whether `caller` may change `plan` (or create one for its unit and subject)."""
    if caller.has_any({Scope.TIMETABLE_WRITE}):
        return True
    if not caller.has_any({Scope.JOURNAL_WRITE}):
        return False
    unit = {"school_class_id": plan.school_class_id, "group_id": plan.group_id}
    return teaches(staff_of(caller), subject_id=plan.subject_id, **unit)


def require_plan_writer(caller: Caller, plan: LessonPlan) -> None:
    if not plan_writer(caller, plan):
        raise PermissionDenied("Планирование ведёт учитель, который ведёт этот предмет в классе.")


def writable_lesson_ids(staff: Staff | None, lessons: Sequence[Lesson], on: date) -> set[int]:
    """Lessons `staff` may write: their own, those they substitute, and those of a unit and
    subject they teach (a co-teacher). One query."""
    if staff is None:
        return set()
    teaching = {
        (t.school_class_id, t.group_id, t.subject_id)
        for t in current(Teaching.objects.filter(staff=staff), on)
    }
    return {
        lesson.pk
        for lesson in lessons
        if staff.pk in (lesson.teacher_id, lesson.substitute_id)
        or (lesson.school_class_id, lesson.group_id, lesson.subject_id) in teaching
    }


def require_lesson_writer(staff: Staff | None, lesson: Lesson) -> None:
    """The lesson's teacher, its substitute or a co-teacher of the subject (403 otherwise)."""
    if lesson.pk not in writable_lesson_ids(staff, [lesson], timezone.localdate()):
        raise PermissionDenied("Домашнее задание задаёт учитель этого урока или замещающий его.")


def lessons_readable(caller: Caller):
    """Lessons whose homework the caller reads: all with journal:read and people:read; a teacher
    those they teach or substitute, those of the classes and groups they teach now and those of
    the classes they lead."""
    if caller.has_any({Scope.PEOPLE_READ}) and caller.has_any({Scope.JOURNAL_READ}):
        return Lesson.objects.all()
    staff = staff_of(caller)
    if staff is None:
        return Lesson.objects.none()
    today = timezone.localdate()
    taught = current(Teaching.objects.filter(staff=staff), today)
    return Lesson.objects.filter(
        Q(teacher=staff)
        | Q(substitute=staff)
        | Q(school_class_id__in=led_class_ids(staff, today))
        | Q(school_class_id__in=taught.filter(school_class__isnull=False).values("school_class_id"))
        | Q(group_id__in=taught.filter(group__isnull=False).values("group_id"))
    )


def student_adviser(staff: Staff | None, student: Student, on: date) -> bool:
    """Whether `staff` teaches the student or leads their class on `on` (two queries). Seeing
    every student (people:read) is not advising them."""
    if staff is None:
        return False
    return (
        Student.objects.filter(pk=student.pk)
        .filter(Q(pk__in=taught_student_ids(staff, on)) | Q(pk__in=led_student_ids(staff, on)))
        .exists()
    )


def require_student_adviser(staff: Staff | None, student: Student) -> None:
    if not student_adviser(staff, student, timezone.localdate()):
        raise PermissionDenied("Рекомендации пишут учителя обучающегося и классный руководитель.")
