"""Credentials for a school's people (PPL-12…15, X-11, X-14, GOV-10): an account for each person
without one, a one-time activation code, and the printable letter handed over in person.

The letter is the only place the code appears; the database keeps a hash of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from otmetka.accounts.activation import activation_code_issue, username_for
from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.selectors import regulation_in_force

from .models import Guardian, SchoolClass, Staff, Student


def consent_access_granted(**kwargs) -> int:
    from .consents import access_granted

    return access_granted(**kwargs)


STAFF_ROLES = {
    "director": SchoolRole.DIRECTOR,
    "deputy": SchoolRole.DEPUTY,
    "school_admin": SchoolRole.SCHOOL_ADMIN,
    "records_clerk": SchoolRole.RECORDS_CLERK,
    "teacher": SchoolRole.SUBJECT_TEACHER,
}


@dataclass(frozen=True)
class Letter:
    name: str
    role: str
    username: str
    code: str
    expires: datetime
    note: str = ""  # e.g. the class, or whose guardian


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _roles_for(person) -> list[str]:
    if isinstance(person, Student):
        return [SchoolRole.STUDENT]
    if isinstance(person, Guardian):
        return [SchoolRole.GUARDIAN]
    roles = {STAFF_ROLES[p] for p in person.positions if p in STAFF_ROLES}
    if SchoolClass.objects.filter(class_teacher=person, year__is_current=True).exists():
        roles.add(SchoolRole.CLASS_TEACHER)
    return sorted(roles) or [SchoolRole.SUBJECT_TEACHER]


def _check(person, today: date, min_age: int) -> str | None:
    if isinstance(person, Staff) and person.deactivated_at is not None:
        return f"{person.short_name}: сотрудник не работает в школе."
    if isinstance(person, Student):
        if person.status != "studying":
            return f"{person.short_name}: не обучается в школе."
        if _age(person.birth_date, today) < min_age:
            return (
                f"{person.short_name}: младше {min_age} лет — доступ по заявлению "
                "законного представителя (X-14)."
            )
    if (
        isinstance(person, Guardian)
        and not person.links.filter(ended_at__isnull=True, student__status="studying").exists()
    ):
        return f"{person.short_name}: не представитель обучающегося школы (GOV-04)."
    return None


@transaction.atomic
def credentials_issue(
    *, ctx: AuditContext, school_id: int, people: list, today: date | None = None
) -> list[Letter]:
    """An account (when missing) and a fresh activation code for each person; all or nothing.
    Re-issuing for a person with an account voids their old code (lost credentials, PPL-14)."""
    today = today or timezone.localdate()
    min_age = regulation_in_force(today)["min_age_independent_application"]
    problems = [p for p in (_check(person, today, min_age) for person in people) if p]
    if problems:
        raise ValidationError({"people": problems})
    letters = []
    for person in people:
        created = person.user_id is None
        if created:
            user = User(
                username=username_for(person.last_name, person.first_name, person.middle_name),
                last_name=person.last_name,
                first_name=person.first_name,
                middle_name=person.middle_name,
                email=getattr(person, "email", ""),
                phone=getattr(person, "phone", ""),
            )
            user.set_unusable_password()
            user.save()
            person.user_id = user.pk
            person.save(update_fields=["user_id"])
        else:
            user = User.objects.get(pk=person.user_id)
        roles = _roles_for(person)
        membership, _ = SchoolMembership.objects.get_or_create(
            user=user, school_id=school_id, defaults={"roles": roles}
        )
        if not set(roles) <= set(membership.roles) or not membership.is_active:
            membership.roles = sorted(set(membership.roles) | set(roles))
            membership.is_active, membership.ended_at = True, None
            membership.save(update_fields=["roles", "is_active", "ended_at"])
        code, expires = activation_code_issue(
            user=user, school_id=school_id, issued_by=ctx.actor_id
        )
        if isinstance(person, Guardian):  # the pending consents are answered (GOV-06)
            consent_access_granted(guardian=person, on=today)
        elif isinstance(person, Student):
            consent_access_granted(student=person, on=today)
        school_audit_append(
            ctx=ctx,
            action="credentials.issue" if created else "credentials.reissue",
            obj=person,
            new={"user_id": user.pk, "username": user.username, "roles": roles},
        )
        letters.append(
            Letter(
                name=person.full_name,
                role=", ".join(SchoolRole(r).label for r in roles),
                username=user.username,
                code=code,
                expires=expires,
                note=_note(person),
            )
        )
    return letters


def _note(person) -> str:
    if isinstance(person, Student):
        current = person.class_memberships.filter(end__isnull=True).select_related("school_class")
        first = current.first()
        return f"{first.school_class.name} класс" if first else ""
    if isinstance(person, Guardian):
        children = [link.student.short_name for link in person.links.select_related("student")]
        return "представитель: " + ", ".join(children)
    return ", ".join(person.position_labels())


def letters_pdf(letters: list[Letter], *, school_id: int, activate_url: str) -> bytes:
    """The credentials letters, one page each, with the information sheet (GOV-10)."""
    from weasyprint import HTML

    from otmetka.region.models import School

    school_name = (
        School.objects.filter(pk=school_id).values_list("full_name", flat=True).first() or ""
    )

    html = render_to_string(
        "people/credentials_letter.html",
        {
            "letters": letters,
            "school_name": school_name,
            "activate_url": activate_url,
            "schema": connection.schema_name,
        },
    )
    return HTML(string=html).write_pdf()
