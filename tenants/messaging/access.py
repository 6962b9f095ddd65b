"""Who may write to whom about which student, and who may read a thread (DIA-08, DIA-03).

Everything is decided from the school's own records at the time of the call, never from what
a view claims about the caller:
- the **family side** (the diary, on the region's host): a guardian whose link to the student is
  not ended and whose consent to the electronic diary (`web`) is registered and not withdrawn,
  with an active guardian membership in the school; or the student themselves, while studying,
  with an active student membership. An ended link or a withdrawn consent closes every thread
  about that child at once (the same rule as `tenants.diary.family`).
- the **staff side** (the school's host): an active membership with a staff role. Towards a
  student, a member of staff is their class teacher, a teacher who teaches their class or one of
  their groups now (`Teaching`), or the administration (director, deputies, school admin).
- the **moderator**: the director reads every thread of the school and hides or restores
  messages; they post only where they are a participant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import STAFF_ROLES as STAFF_SCHOOL_ROLES
from otmetka.accounts.roles import SchoolRole
from tenants.people.choices import Channel, StudentStatus
from tenants.people.consents import consents_in_force
from tenants.people.models import (
    ClassMembership,
    GroupMembership,
    GuardianLink,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)
from tenants.people.selectors import current

from .models import ThreadRole

FAMILY = "family"
STAFF = "staff"
ADMIN_SCHOOL_ROLES = frozenset({SchoolRole.DIRECTOR, SchoolRole.DEPUTY, SchoolRole.SCHOOL_ADMIN})
# The regulation (seed 004, 3.4.2) gives the deputies "control of the users' compliance with the
# regulation" but says nothing of correspondence: moderation stays with the director, who is
# responsible for the service (GOV-01).
MODERATOR_ROLES = frozenset({SchoolRole.DIRECTOR})


@dataclass(frozen=True)
class Actor:
    """Who calls a messaging service: a global account, and the side they act from."""

    user_id: int
    side: str  # FAMILY (the diary) or STAFF (the school's host)


def school_roles(user_id: int) -> frozenset[str]:
    """The roles of the account's active membership in the current school (one query)."""
    roles = (
        SchoolMembership.objects.filter(
            user_id=user_id, is_active=True, school__schema_name=connection.schema_name
        )
        .values_list("roles", flat=True)
        .first()
    )
    return frozenset(roles or ())


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    roles: frozenset[str]
    staff: Staff | None

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_SCHOOL_ROLES)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & ADMIN_SCHOOL_ROLES)

    @property
    def is_moderator(self) -> bool:
        return bool(self.roles & MODERATOR_ROLES)


def staff_member(user_id: int) -> StaffMember:
    """The account as staff of the current school: roles and staff record (two queries)."""
    roles = school_roles(user_id)
    staff = None
    if roles & STAFF_SCHOOL_ROLES:
        staff = Staff.objects.filter(user_id=user_id, deactivated_at__isnull=True).first()
    return StaffMember(user_id, roles, staff)


@dataclass(frozen=True)
class ChildStaff:
    """Who teaches a student now: their class teacher and their teachers with subjects."""

    class_teacher_id: int | None
    teachers: dict[int, list[str]] = field(default_factory=dict)


def child_staff(student: Student, on: date | None = None) -> ChildStaff:
    """The class teacher of the student's current class, and the staff teaching that class or
    one of the student's current groups (two queries)."""
    on = on or timezone.localdate()
    classes = current(ClassMembership.objects.filter(student=student), on).values("school_class_id")
    groups = current(GroupMembership.objects.filter(student=student), on).values("group_id")
    class_teacher_id = (
        SchoolClass.objects.filter(pk__in=classes)
        .values_list("class_teacher_id", flat=True)
        .first()
    )
    teachers: dict[int, list[str]] = {}
    teaching = current(
        Teaching.objects.filter(Q(school_class_id__in=classes) | Q(group_id__in=groups)), on
    ).order_by("subject__name")
    for staff_id, subject in teaching.values_list("staff_id", "subject__name"):
        names = teachers.setdefault(staff_id, [])
        if subject not in names:
            names.append(subject)
    return ChildStaff(class_teacher_id, teachers)


def staff_role_towards(
    member: StaffMember, student: Student, links: ChildStaff | None = None
) -> str | None:
    """What a member of staff is to the student: class teacher, teacher, administration — or
    nothing, when they may not write about them."""
    if not member.is_staff:
        return None
    links = links or child_staff(student)
    if member.staff is not None and member.staff.pk == links.class_teacher_id:
        return ThreadRole.CLASS_TEACHER
    if member.staff is not None and member.staff.pk in links.teachers:
        return ThreadRole.TEACHER
    if member.is_admin:
        return ThreadRole.ADMIN
    return None


def guardians_with_access(student: Student):
    """Links of the student's guardians who may read the diary now: the link not ended, the
    guardian bound to an account, a consent to the electronic diary not withdrawn."""
    consented = consents_in_force(
        channel=Channel.WEB, student=student, guardian=OuterRef("guardian")
    )
    return GuardianLink.objects.filter(
        Exists(consented), student=student, ended_at__isnull=True, guardian__user_id__isnull=False
    )


def family_role(user_id: int, student: Student) -> str | None:
    """What the account is to the student on the family side now — "student" (themselves) or
    "guardian" — or None (two queries at most)."""
    if student.status != StudentStatus.STUDYING:
        return None
    roles = school_roles(user_id)
    if student.user_id == user_id and SchoolRole.STUDENT in roles:
        return ThreadRole.STUDENT
    if (
        SchoolRole.GUARDIAN in roles
        and guardians_with_access(student).filter(guardian__user_id=user_id).exists()
    ):
        return ThreadRole.GUARDIAN
    return None


@dataclass(frozen=True)
class Recipient:
    user_id: int
    role: str
    name: str
    detail: str = ""  # the subjects a teacher teaches the student, or a guardian's relation

    @property
    def role_label(self) -> str:
        return str(ThreadRole(self.role).label)


_ADMIN_ORDER: dict[str, int] = {
    SchoolRole.DIRECTOR: 0,
    SchoolRole.DEPUTY: 1,
    SchoolRole.SCHOOL_ADMIN: 2,
}


def staff_recipients(student: Student, *, exclude: int | None = None) -> list[Recipient]:
    """Whom the student or their guardian may write to: the class teacher, the teachers who
    teach the student now, the director, deputies and school admin — each with an account and
    an active membership in the school (five queries)."""
    links = child_staff(student)
    staff = {
        s.pk: s
        for s in Staff.objects.filter(
            pk__in=[pk for pk in (links.class_teacher_id, *links.teachers) if pk is not None],
            user_id__isnull=False,
            deactivated_at__isnull=True,
        )
    }
    teacher_accounts = [s.user_id for s in staff.values()]
    memberships = SchoolMembership.objects.filter(
        Q(roles__overlap=list(ADMIN_SCHOOL_ROLES)) | Q(user_id__in=teacher_accounts),
        is_active=True,
        school__schema_name=connection.schema_name,
    ).select_related("user")
    active = {m.user_id: m for m in memberships if set(m.roles) & STAFF_SCHOOL_ROLES}
    admin_names = {
        s.user_id: s.full_name
        for s in Staff.objects.filter(
            user_id__in=[u for u, m in active.items() if set(m.roles) & ADMIN_SCHOOL_ROLES],
            deactivated_at__isnull=True,
        )
    }
    found: dict[int, Recipient] = {}
    lead = links.class_teacher_id
    for member in sorted(staff.values(), key=lambda s: (s.pk != lead, s.full_name)):
        if member.user_id not in active or member.user_id == exclude:
            continue
        role = ThreadRole.CLASS_TEACHER if member.pk == lead else ThreadRole.TEACHER
        found[member.user_id] = Recipient(
            member.user_id, role, member.full_name, ", ".join(links.teachers.get(member.pk, []))
        )
    admins = [m for m in active.values() if set(m.roles) & ADMIN_SCHOOL_ROLES]
    admins.sort(key=lambda m: min(_ADMIN_ORDER.get(r, 9) for r in m.roles))
    for m in admins:
        if m.user_id in found or m.user_id == exclude:
            continue
        position = next(
            str(SchoolRole(r).label) for r in sorted(m.roles, key=lambda r: _ADMIN_ORDER.get(r, 9))
        )
        name = admin_names.get(m.user_id) or m.user.display_name
        found[m.user_id] = Recipient(m.user_id, ThreadRole.ADMIN, name, position)
    return list(found.values())


def family_recipients(student: Student, *, exclude: int | None = None) -> list[Recipient]:
    """Whom staff may write to about the student: each guardian who may read the diary now,
    and the student themselves while studying — each with an active membership in the school
    in that role (two queries)."""
    if student.status != StudentStatus.STUDYING:
        return []
    links = list(guardians_with_access(student).select_related("guardian").order_by("pk"))
    accounts = [link.guardian.user_id for link in links]
    if student.user_id is not None:
        accounts.append(student.user_id)
    roles = dict(
        SchoolMembership.objects.filter(
            user_id__in=accounts, is_active=True, school__schema_name=connection.schema_name
        ).values_list("user_id", "roles")
    )
    found: dict[int, Recipient] = {}
    for link in links:
        user_id = link.guardian.user_id
        if SchoolRole.GUARDIAN in roles.get(user_id, ()) and user_id != exclude:
            found.setdefault(
                user_id,
                Recipient(
                    user_id, ThreadRole.GUARDIAN, link.guardian.full_name,
                    link.get_relation_display(),
                ),
            )  # fmt: skip
    if student.user_id is not None and SchoolRole.STUDENT in roles.get(student.user_id, ()):
        if student.user_id != exclude:
            found.setdefault(
                student.user_id,
                Recipient(student.user_id, ThreadRole.STUDENT, student.full_name),
            )
    return list(found.values())
