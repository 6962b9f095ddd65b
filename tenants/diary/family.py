"""Whose diary a signed-in person may open (DIA-03, PDN-03, PDN-07, GOV-02…06).

- A guardian: each child they are linked to (the link not ended) who studies in the school,
  and for whom that guardian's written consent to the electronic diary is registered and not
  withdrawn (a refusal means paper, DIA-07). Children in several schools are all found.
- A student: themselves, while they study in the school.
Nobody else, whatever their roles: staff read the journal, not the diary.

Two queries whatever the number of schools and children: the memberships (read with the API
token), then one query over the schools' schemas (`across.Across` templates, one per roles and
channel, compiled once per process); the second is cached (see `family_of`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import caches
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from otmetka.accounts.memberships import active_memberships
from otmetka.accounts.roles import SchoolRole
from otmetka.region.choices import SchoolStatus
from tenants.audit.versions import unit_key, version_key, versions_in
from tenants.people.choices import Channel, StudentStatus
from tenants.people.consents import consents_in_force
from tenants.people.models import (
    ClassMembership,
    GroupMembership,
    GuardianLink,
    Student,
    full_name,
    short_name,
)
from tenants.school.across import Across, rows_of_templates

log = logging.getLogger(__name__)

DIARY_ROLES = (SchoolRole.GUARDIAN, SchoolRole.STUDENT)
_DIARY_ROLES = frozenset(str(r.value) for r in DIARY_ROLES)


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
    # the versions the child's cached weeks depend on (`tenants.audit.versions.unit_key`): their
    # class's and groups' today, read with the family so the week asks for them in its one
    # round trip (`week.diary_week`)
    units: tuple[str, ...] = ()

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
    # the schools' data versions read; None when Redis could not be reached (nothing cached)
    versions: dict[str, int] | None = field(default_factory=dict)

    def child(self, key: str) -> Child | None:
        return next((c for c in self.children if c.key == key), None)


def _visible_students(user_id: int, roles: list[str], today: date, *, channel: str = Channel.WEB):
    visible = Q(pk__in=[])
    if SchoolRole.STUDENT in roles:
        visible |= Q(user_id=user_id)
    if SchoolRole.GUARDIAN in roles:
        linked = GuardianLink.objects.filter(
            student=OuterRef("pk"), guardian__user_id=user_id, ended_at__isnull=True
        )
        consented = consents_in_force(
            channel=channel, student=OuterRef("pk"), guardian__user_id=user_id
        )
        visible |= Q(Exists(linked) & Exists(consented))
    current = ClassMembership.objects.filter(
        student=OuterRef("pk"), start__lte=today, school_class__year__is_current=True
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    groups = GroupMembership.objects.filter(student=OuterRef("pk"), start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    return (
        Student.objects.filter(visible, status=StudentStatus.STUDYING)
        .annotate(
            class_id=Subquery(current.values("school_class_id")[:1]),
            grade=Subquery(current.values("school_class__grade")[:1]),
            letter=Subquery(current.values("school_class__letter")[:1]),
            group_ids=ArraySubquery(groups.values("group_id")),
        )
        .values_list(
            "pk", "last_name", "first_name", "middle_name", "user_id", "class_id", "grade",
            "letter", "group_ids",
        )
    )  # fmt: skip


FAMILY_CACHE_SECONDS = 3600
_SHAPE = 2  # bump when the cached Family or Child changes shape


def diary_memberships(user_id: int) -> list[tuple]:
    """The account's active guardian and student memberships with their schools (read with
    the API token, else one plain query: `otmetka.accounts.memberships`)."""
    return [m for m in active_memberships(user_id) if not _DIARY_ROLES.isdisjoint(m[0])]


def family_of(user_id: int | None, *, channel: str = Channel.WEB) -> Family:
    """The caller's children. Cached per account, day, channel and memberships, and valid
    while the data versions of their schools (`tenants.audit.versions`) are the ones it was
    read under: a consent withdrawn, a link ended or a student leaving is an audited write,
    which changes the version, so the next request reads afresh; a membership changed or
    suspended changes the memberships the key is made of. The entry and the versions come in
    one round trip."""
    if user_id is None:
        return Family([], False, [])
    memberships = diary_memberships(user_id)
    today = timezone.localdate()
    schemas = [m[3] for m in memberships if m[6] == SchoolStatus.ACTIVE]
    key = (
        f"diary-family:{_SHAPE}:"
        + hashlib.sha256(repr((user_id, today, memberships, channel)).encode()).hexdigest()
    )
    cache = caches["global"]
    try:
        found = cache.get_many([key, *map(version_key, schemas)])
        versions: dict[str, int] | None = versions_in(found, schemas)
    except Exception:
        log.warning("diary family cache unavailable", exc_info=True)
        found, versions = {}, None
    cached = found.get(key)
    if cached is not None and versions is not None and cached[0] == versions:
        family = cached[1]
    else:
        family = _read(user_id, memberships, today, channel=channel)
        if versions is not None:
            try:
                cache.set(key, (versions, family), timeout=FAMILY_CACHE_SECONDS)
            except Exception:
                log.warning("diary family cache unavailable", exc_info=True)
    return Family(family.children, family.has_diary_role, family.unavailable, versions)


def _units(schema: str, class_id: int | None, group_ids: list[int] | None) -> tuple[str, ...]:
    units = [("g", g) for g in group_ids or ()]
    if class_id is not None:
        units.append(("c", class_id))
    return tuple(sorted(unit_key(schema, u) for u in units))


_TEMPLATES: dict[tuple[bool, bool, str], Across] = {}


def _students_template(roles: list[str], channel: str) -> Across | None:
    """`_visible_students` for these roles and channel, compiled once per process (see
    `across.Across`: composing it through the ORM was most of a family's read)."""
    key = (SchoolRole.STUDENT in roles, SchoolRole.GUARDIAN in roles, str(channel))
    if not (key[0] or key[1]):
        return None
    template = _TEMPLATES.get(key)
    if template is None:
        student, guardian, for_channel = key
        shape = [SchoolRole.STUDENT] * student + [SchoolRole.GUARDIAN] * guardian
        template = _TEMPLATES[key] = Across(
            lambda user_id, today: _visible_students(user_id, shape, today, channel=for_channel),
            ints=["user_id"], dates=["today"],
        )  # fmt: skip
    return template


def _read(user_id: int, memberships: list, today: date, *, channel: str = Channel.WEB) -> Family:
    schools, parts, unavailable = {}, [], []
    for roles, pk, slug, schema, name, time_zone, status in memberships:
        if status != SchoolStatus.ACTIVE:
            unavailable.append(name)
            continue
        schools[schema] = School(pk, slug, schema, name, time_zone)
        template = _students_template(roles, channel)
        if template is not None:
            parts.append((template, schema, {"user_id": user_id, "today": today}))
    children = [
        Child(
            school=schools[schema], student_id=pk, last_name=last, first_name=first,
            middle_name=middle, role="student" if owner == user_id else "guardian",
            class_id=class_id, class_name=f"{grade}{letter}" if grade else "", grade=grade,
            units=_units(schema, class_id, group_ids),
        )
        for schema, pk, last, first, middle, owner, class_id, grade, letter, group_ids
        in rows_of_templates(parts)
    ]  # fmt: skip
    children.sort(key=lambda c: (c.role != "student", c.first_name, c.last_name, c.school.name))
    return Family(children, bool(memberships), unavailable)
