"""Whose diary a signed-in person may open (DIA-03, PDN-03, PDN-07, GOV-02…06).

- A guardian: each child they are linked to (the link not ended) who studies in the school,
  and for whom that guardian's written consent to the electronic diary is registered and not
  withdrawn (a refusal means paper, DIA-07). Children in several schools are all found.
- A student: themselves, while they study in the school.
Nobody else, whatever their roles: staff read the journal, not the diary.

Two queries whatever the number of schools and children: the memberships, then one query over
the schools' schemas (`across.rows_across`); the second is cached (see `family_of`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import caches
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from otmetka.region.choices import SchoolStatus
from tenants.audit.versions import data_versions
from tenants.people.choices import Channel, Decision, StudentStatus
from tenants.people.models import (
    ClassMembership,
    Consent,
    GuardianLink,
    Student,
    full_name,
    short_name,
)
from tenants.school.across import rows_across

log = logging.getLogger(__name__)

DIARY_ROLES = (SchoolRole.GUARDIAN, SchoolRole.STUDENT)


@dataclass(frozen=True)
class School:
    id: int
    slug: str
    schema: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Child:
    school: School
    student_id: int
    last_name: str
    first_name: str
    middle_name: str
    role: str  # "guardian": the caller's child; "student": the caller themselves
    class_id: int | None
    class_name: str
    grade: int | None

    @property
    def key(self) -> str:
        """How the API and pages name a child: the school's address and the student's id."""
        return f"{self.school.slug}.{self.student_id}"

    @property
    def name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)


@dataclass(frozen=True)
class Family:
    children: list[Child]
    has_diary_role: bool  # a guardian or student membership somewhere, even with no child shown
    unavailable: list[str]  # schools where the diary is not open now (suspended, archived)
    versions: dict[str, int] = field(default_factory=dict)  # the schools' data versions read

    def child(self, key: str) -> Child | None:
        return next((c for c in self.children if c.key == key), None)


def _visible_students(user_id: int, roles: list[str], today: date):
    visible = Q(pk__in=[])
    if SchoolRole.STUDENT in roles:
        visible |= Q(user_id=user_id)
    if SchoolRole.GUARDIAN in roles:
        linked = GuardianLink.objects.filter(
            student=OuterRef("pk"), guardian__user_id=user_id, ended_at__isnull=True
        )
        consented = Consent.objects.filter(
            student=OuterRef("pk"),
            guardian__user_id=user_id,
            decision=Decision.CONSENT,
            withdrawn_on__isnull=True,
            channels__contains=[Channel.WEB],
        )
        visible |= Q(Exists(linked) & Exists(consented))
    current = ClassMembership.objects.filter(
        student=OuterRef("pk"), start__lte=today, school_class__year__is_current=True
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    return (
        Student.objects.filter(visible, status=StudentStatus.STUDYING)
        .annotate(
            class_id=Subquery(current.values("school_class_id")[:1]),
            grade=Subquery(current.values("school_class__grade")[:1]),
            letter=Subquery(current.values("school_class__letter")[:1]),
        )
        .values_list(
            "pk", "last_name", "first_name", "middle_name", "user_id", "class_id", "grade", "letter"
        )
    )


FAMILY_CACHE_SECONDS = 3600


def family_of(user_id: int | None) -> Family:
    """The caller's children. Cached per account, day and the data versions of their schools
    (`tenants.audit.versions`): a consent withdrawn, a link ended or a student leaving is an
    audited write, which changes the version, so the next request reads afresh; a membership
    changed or suspended changes the memberships the key is made of."""
    if user_id is None:
        return Family([], False, [])
    memberships = list(
        SchoolMembership.objects.filter(
            user_id=user_id, is_active=True, roles__overlap=list(DIARY_ROLES)
        ).order_by("school_id").values_list(
            "roles", "school_id", "school__slug", "school__schema_name", "school__short_name",
            "school__time_zone", "school__status",
        )
    )  # fmt: skip
    today = timezone.localdate()
    versions = data_versions(
        [schema for _, _, _, schema, _, _, status in memberships if status == SchoolStatus.ACTIVE]
    )
    key = (
        "diary-family:"
        + hashlib.sha256(
            repr((user_id, today, memberships, sorted(versions.items()))).encode()
        ).hexdigest()
    )
    cache = caches["global"]
    try:
        family = cache.get(key)
    except Exception:
        log.warning("diary family cache unavailable", exc_info=True)
        family = None
    if family is None:
        family = _read(user_id, memberships, today)
        try:
            cache.set(key, family, timeout=FAMILY_CACHE_SECONDS)
        except Exception:
            log.warning("diary family cache unavailable", exc_info=True)
    return Family(family.children, family.has_diary_role, family.unavailable, versions)


def _read(user_id: int, memberships: list, today: date) -> Family:
    schools, parts, unavailable = {}, [], []
    for roles, pk, slug, schema, name, time_zone, status in memberships:
        if status != SchoolStatus.ACTIVE:
            unavailable.append(name)
            continue
        schools[schema] = School(pk, slug, schema, name, time_zone)
        parts.append((schema, _visible_students(user_id, roles, today)))
    children = [
        Child(
            school=schools[schema], student_id=pk, last_name=last, first_name=first,
            middle_name=middle, role="student" if owner == user_id else "guardian",
            class_id=class_id, class_name=f"{grade}{letter}" if grade else "", grade=grade,
        )
        for schema, pk, last, first, middle, owner, class_id, grade, letter in rows_across(parts)
    ]  # fmt: skip
    children.sort(key=lambda c: (c.role != "student", c.first_name, c.last_name, c.school.name))
    return Family(children, bool(memberships), unavailable)
