"""Who may write lesson plans, homework and recommendations (PPL-03, AUD-07).

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
from tenants.people.selectors import staff_of, students_visible, taught_student_ids, teaches

from .models import Lesson, LessonPlan


def require_plan_writer(caller: Caller, plan: LessonPlan) -> Staff | None:
    """The staff record of a caller who may change `plan` (403 otherwise)."""
    staff = staff_of(caller)
    if caller.has_any({Scope.TIMETABLE_WRITE}):
        return staff
    unit = {"school_class_id": plan.school_class_id, "group_id": plan.group_id}
    if caller.has_any({Scope.JOURNAL_WRITE}) and teaches(staff, subject_id=plan.subject_id, **unit):
        return staff
    raise PermissionDenied("Планирование ведёт учитель, который ведёт этот предмет в классе.")


def writable_lesson_ids(staff: Staff | None, lessons: Sequence[Lesson], on: date) -> set[int]:
    """Lessons `staff` may write: their own, those they substitute, and those of a unit and
    subject they teach (a co-teacher). One query."""
    if staff is None:
        return set()
    teaching = {
        (t.school_class_id, t.group_id, t.subject_id)
        for t in Teaching.objects.filter(staff=staff, start__lte=on).filter(
            Q(end__isnull=True) | Q(end__gte=on)
        )
    }
    return {
        lesson.pk
        for lesson in lessons
        if staff.pk in (lesson.teacher_id, lesson.substitute_id)
        or (lesson.school_class_id, lesson.group_id, lesson.subject_id) in teaching
    }


def require_lesson_teacher(caller: Caller, lesson: Lesson) -> Staff:
    """The lesson's teacher, its substitute or a co-teacher of the subject (403 otherwise)."""
    staff = staff_of(caller)
    if caller.has_any({Scope.JOURNAL_WRITE}) and lesson.pk in writable_lesson_ids(
        staff, [lesson], timezone.localdate()
    ):
        return staff
    raise PermissionDenied("Домашнее задание задаёт учитель этого урока или замещающий его.")


def lessons_readable(caller: Caller):
    """Lessons whose homework the caller reads: all with journal:read and people:read; a teacher
    those they teach or substitute and those of the classes they lead."""
    from tenants.people.selectors import led_class_ids

    if caller.has_any({Scope.PEOPLE_READ}) and caller.has_any({Scope.JOURNAL_READ}):
        return Lesson.objects.all()
    staff = staff_of(caller)
    if staff is None:
        return Lesson.objects.none()
    today = timezone.localdate()
    taught = Teaching.objects.filter(staff=staff)
    return Lesson.objects.filter(
        Q(teacher=staff)
        | Q(substitute=staff)
        | Q(school_class_id__in=led_class_ids(staff, today))
        | Q(school_class_id__in=taught.filter(school_class__isnull=False).values("school_class_id"))
        | Q(group_id__in=taught.filter(group__isnull=False).values("group_id"))
    )


def require_student_adviser(caller: Caller, student: Student) -> Staff:
    """A teacher who teaches the student or leads their class (403 otherwise)."""
    staff = staff_of(caller)
    if staff is not None and caller.has_any({Scope.CLASS_READ}):
        today = timezone.localdate()
        teaches = taught_student_ids(staff, today).filter(pk=student.pk).exists()
        if teaches or students_visible(caller, today).filter(pk=student.pk).exists():
            return staff
    raise PermissionDenied("Рекомендации пишут учителя обучающегося и классный руководитель.")
