"""Who may see whom (PPL-03, PPL-04, PDN-03, X-13), as querysets every read goes through.

- `people:read` (director, deputies, school admin, records clerk): everyone in the school.
- a class teacher: the current students of the classes they lead, and their guardians;
- a subject teacher: the current students of the classes and groups they teach;
- nobody else: student data never goes to anyone outside teaching (families use the diary).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope

from .models import (
    ClassMembership,
    Group,
    GroupMembership,
    Guardian,
    GuardianLink,
    PersonalDataAccess,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)


def staff_of(caller: Caller) -> Staff | None:
    if caller.user_id is None:
        return None
    return Staff.objects.filter(user_id=caller.user_id, deactivated_at__isnull=True).first()


def current(queryset: QuerySet, on: date, prefix: str = "") -> QuerySet:
    """Rows of a dated link (teaching, membership) in force on `on`: started, not yet ended."""
    return queryset.filter(
        Q(**{f"{prefix}start__lte": on}),
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}),
    )


def teaches(
    staff: Staff | None,
    *,
    subject_id: int,
    school_class_id: int | None = None,
    group_id: int | None = None,
    on: date | None = None,
) -> bool:
    """Whether `staff` teaches the subject to the class or group on a day (PPL-03): the one
    check behind writing plans, homework, marks and period marks. One query."""
    if staff is None:
        return False
    return current(
        Teaching.objects.filter(
            staff=staff, subject_id=subject_id, school_class_id=school_class_id, group_id=group_id
        ),
        on or timezone.localdate(),
    ).exists()


def unit_grade(school_class: SchoolClass | None, group: Group | None) -> int:
    """The grade of a class, or of a group (the lowest of its classes)."""
    if school_class is not None:
        return school_class.grade
    return min((c.grade for c in group.classes.all()), default=1)


def led_class_ids(staff: Staff | None, on: date) -> set[int]:
    if staff is None:
        return set()
    return set(
        SchoolClass.objects.filter(
            class_teacher=staff, year__start__lte=on, year__end__gte=on
        ).values_list("pk", flat=True)
    )


def led_student_ids(staff: Staff | None, on: date) -> QuerySet:
    """Ids of the current students of the classes `staff` leads on a day."""
    if staff is None:
        return Student.objects.none().values("pk")
    led = current(ClassMembership.objects, on).filter(school_class_id__in=led_class_ids(staff, on))
    return Student.objects.filter(pk__in=led.values("student_id")).values("pk")


def taught_student_ids(staff: Staff | None, on: date) -> QuerySet:
    """Ids of the students a teacher teaches on a day: members of taught classes and groups."""
    if staff is None:
        return Student.objects.none().values("pk")
    teaching = current(Teaching.objects.filter(staff=staff), on)
    in_classes = current(ClassMembership.objects, on).filter(
        school_class_id__in=teaching.filter(school_class__isnull=False).values("school_class_id")
    )
    in_groups = current(GroupMembership.objects, on).filter(
        group_id__in=teaching.filter(group__isnull=False).values("group_id")
    )
    # a substitute has the rights of the lessons they take that day (PPL-03, TTB-05)
    from tenants.timetable.models import Lesson

    substituted = Lesson.objects.filter(substitute=staff, date=on)
    in_classes = in_classes | current(ClassMembership.objects, on).filter(
        school_class_id__in=substituted.filter(school_class__isnull=False).values("school_class_id")
    )
    in_groups = in_groups | current(GroupMembership.objects, on).filter(
        group_id__in=substituted.filter(group__isnull=False).values("group_id")
    )
    return Student.objects.filter(
        Q(pk__in=in_classes.values("student_id")) | Q(pk__in=in_groups.values("student_id"))
    ).values("pk")


def students_visible(caller: Caller, on: date | None = None) -> QuerySet[Student]:
    on = on or timezone.localdate()
    if caller.has_any({Scope.PEOPLE_READ}):
        return Student.objects.all()
    if not caller.has_any({Scope.CLASS_READ}):
        return Student.objects.none()
    staff = staff_of(caller)
    led = current(ClassMembership.objects, on).filter(school_class_id__in=led_class_ids(staff, on))
    return Student.objects.filter(
        Q(pk__in=led.values("student_id")) | Q(pk__in=taught_student_ids(staff, on))
    )


def students_editable(caller: Caller, on: date | None = None) -> QuerySet[Student]:
    """Whose personal data the caller may change: all with people:write, a class teacher their
    own class (PPL-04)."""
    on = on or timezone.localdate()
    if caller.has_any({Scope.PEOPLE_WRITE}):
        return Student.objects.all()
    if not caller.has_any({Scope.CLASS_WRITE}):
        return Student.objects.none()
    led = current(ClassMembership.objects, on).filter(
        school_class_id__in=led_class_ids(staff_of(caller), on)
    )
    return Student.objects.filter(pk__in=led.values("student_id"))


def guardians_visible(caller: Caller, on: date | None = None) -> QuerySet[Guardian]:
    """Guardians: everyone with people:read; a class teacher, those of their class."""
    on = on or timezone.localdate()
    if caller.has_any({Scope.PEOPLE_READ}):
        return Guardian.objects.all()
    if not caller.has_any({Scope.CLASS_WRITE}):
        return Guardian.objects.none()
    students = students_editable(caller, on)
    return Guardian.objects.filter(
        Exists(GuardianLink.objects.filter(guardian=OuterRef("pk"), student__in=students))
    )


def student_list(caller: Caller, on: date | None = None) -> QuerySet[Student]:
    """The visible students with their current class and guardians: 3 queries for any length."""
    on = on or timezone.localdate()
    in_force = current(ClassMembership.objects.select_related("school_class"), on)
    return (
        students_visible(caller, on)
        .prefetch_related(
            Prefetch("class_memberships", queryset=in_force, to_attr="current_classes"),
            Prefetch(
                "guardian_links",
                queryset=GuardianLink.objects.filter(ended_at__isnull=True).select_related(
                    "guardian"
                ),
                to_attr="active_links",
            ),
        )
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def class_composition(school_class: SchoolClass, on: date) -> QuerySet[ClassMembership]:
    return (
        current(ClassMembership.objects.filter(school_class=school_class), on)
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
    )


def personal_data_logged(*, caller: Caller, what: str, count: int, query: str = "") -> None:
    """PDN-06: record a list view or export of personal data."""
    PersonalDataAccess.objects.create(
        actor_id=caller.user_id,
        actor_role=caller.primary_role,
        what=what,
        count=count,
        query=query[:300],
    )


def staff_access_alerts(on: date | None = None) -> dict[str, list[Staff]]:
    """PPL-15, PPL-16 (X-12): staff still without an account `staff_access_grant_days` after
    starting, and leavers still active `staff_access_revoke_days` after their contract ended."""
    from datetime import timedelta

    from tenants.configuration.selectors import regulation_in_force

    on = on or timezone.localdate()
    rules = regulation_in_force(on)
    grant_by = on - timedelta(days=rules["staff_access_grant_days"])
    revoke_by = on - timedelta(days=rules["staff_access_revoke_days"])
    active = Staff.objects.filter(deactivated_at__isnull=True).order_by("last_name", "first_name")
    return {
        "grant_overdue": list(
            active.filter(user_id__isnull=True, contract_start__lt=grant_by).filter(
                Q(contract_end__isnull=True) | Q(contract_end__gte=on)
            )
        ),
        "revoke_overdue": list(active.filter(contract_end__lt=revoke_by)),
    }
