"""Roles as sets of scopes (ARCHITECTURE.md §4).

A view declares, per HTTP method, the scopes that let a caller in; a caller holds the union of
the scopes of their roles. Region roles act on the public host; school roles act on the host of
the school the membership belongs to, and nowhere else.
"""

from __future__ import annotations

from django.db import models


class RegionRole(models.TextChoices):
    MINISTRY_OFFICER = "ministry_officer", "Сотрудник министерства"
    MUNICIPALITY_OFFICER = "municipality_officer", "Специалист муниципального органа"
    SUPPORT_AGENT = "support_agent", "Специалист поддержки"
    SUPPORT_LEAD = "support_lead", "Руководитель поддержки"
    PLATFORM_OPERATOR = "platform_operator", "Оператор платформы"


class SchoolRole(models.TextChoices):
    DIRECTOR = "director", "Директор"
    DEPUTY = "deputy", "Заместитель директора"
    SCHOOL_ADMIN = "school_admin", "Администратор ЭЖ"
    RECORDS_CLERK = "records_clerk", "Документовед"
    SUBJECT_TEACHER = "subject_teacher", "Учитель"
    CLASS_TEACHER = "class_teacher", "Классный руководитель"
    STUDENT = "student", "Обучающийся"
    GUARDIAN = "guardian", "Законный представитель"


class Scope:
    """Scope names: `<resource>:<action>`. Later capabilities add theirs here."""

    REGION_READ = "region:read"
    SCHOOLS_READ = "schools:read"  # list and cards of schools (no personal data)
    SCHOOLS_WRITE = "schools:write"  # create, suspend, archive, activate
    REGION_ADMIN = "region:admin"  # the region's Django admin
    SUPPORT_READ = "support:read"
    SUPPORT_WRITE = "support:write"

    SCHOOL_READ = "school:read"  # the school's home page and card
    SCHOOL_ADMIN = "school:admin"  # the school's Django admin
    SETTINGS_READ = "settings:read"  # the school's year, periods, grading, regulations
    SETTINGS_WRITE = "settings:write"
    PERIODS_REOPEN = "periods:reopen"  # reopen a closed period (N-05): director, deputy
    JOURNAL_CORRECT = "journal:correct"  # approve journal corrections after a lock (AUD-03)
    JOURNAL_READ = "journal:read"
    JOURNAL_WRITE = "journal:write"
    DIARY_READ = "diary:read"
    DIARY_RECEIPTS = "diary:receipts"  # who viewed a child's diary (DIA-05)
    PEOPLE_READ = "people:read"  # every person of the school (director, deputies, admin, clerk)
    PEOPLE_WRITE = "people:write"  # enrol, edit, move, import
    CLASS_READ = "class:read"  # the students one teaches or leads (PPL-03, PPL-04)
    CLASS_WRITE = "class:write"  # a class teacher: own class's lists and personal data
    TIMETABLE_WRITE = "timetable:write"  # curriculum, load hours, bells, timetable
    TEMPLATES_WRITE = "templates:write"  # the region's configuration template (N-22)


REGION_ROLE_SCOPES: dict[str, frozenset[str]] = {
    RegionRole.MINISTRY_OFFICER: frozenset(
        {Scope.REGION_READ, Scope.SCHOOLS_READ, Scope.SCHOOLS_WRITE, Scope.TEMPLATES_WRITE}
    ),
    RegionRole.MUNICIPALITY_OFFICER: frozenset({Scope.REGION_READ, Scope.SCHOOLS_READ}),
    RegionRole.SUPPORT_AGENT: frozenset(
        {Scope.REGION_READ, Scope.SCHOOLS_READ, Scope.SUPPORT_READ}
    ),
    RegionRole.SUPPORT_LEAD: frozenset(
        {Scope.REGION_READ, Scope.SCHOOLS_READ, Scope.SUPPORT_READ, Scope.SUPPORT_WRITE}
    ),
    RegionRole.PLATFORM_OPERATOR: frozenset(
        {Scope.REGION_READ, Scope.SCHOOLS_READ, Scope.SCHOOLS_WRITE, Scope.REGION_ADMIN}
    ),
}

_STAFF = frozenset({Scope.SCHOOL_READ, Scope.SETTINGS_READ})
_PEOPLE = frozenset({Scope.PEOPLE_READ, Scope.PEOPLE_WRITE})
_SETTINGS_ADMIN = _STAFF | {Scope.SETTINGS_WRITE, Scope.TIMETABLE_WRITE} | _PEOPLE

SCHOOL_ROLE_SCOPES: dict[str, frozenset[str]] = {
    SchoolRole.DIRECTOR: _SETTINGS_ADMIN
    | {
        Scope.SCHOOL_ADMIN,
        Scope.JOURNAL_READ,
        Scope.PERIODS_REOPEN,
        Scope.JOURNAL_CORRECT,
        Scope.DIARY_RECEIPTS,
    },
    SchoolRole.DEPUTY: _SETTINGS_ADMIN
    | {Scope.JOURNAL_READ, Scope.PERIODS_REOPEN, Scope.JOURNAL_CORRECT, Scope.DIARY_RECEIPTS},
    SchoolRole.SCHOOL_ADMIN: _SETTINGS_ADMIN | {Scope.SCHOOL_ADMIN},
    SchoolRole.RECORDS_CLERK: _STAFF | _PEOPLE,
    SchoolRole.SUBJECT_TEACHER: _STAFF
    | {Scope.JOURNAL_READ, Scope.JOURNAL_WRITE, Scope.CLASS_READ},
    SchoolRole.CLASS_TEACHER: _STAFF
    | {Scope.JOURNAL_READ, Scope.CLASS_READ, Scope.CLASS_WRITE, Scope.DIARY_RECEIPTS},
    SchoolRole.STUDENT: frozenset({Scope.SCHOOL_READ, Scope.DIARY_READ}),
    SchoolRole.GUARDIAN: frozenset({Scope.SCHOOL_READ, Scope.DIARY_READ}),
}

STAFF_ROLES = frozenset(
    {
        SchoolRole.DIRECTOR,
        SchoolRole.DEPUTY,
        SchoolRole.SCHOOL_ADMIN,
        SchoolRole.RECORDS_CLERK,
        SchoolRole.SUBJECT_TEACHER,
        SchoolRole.CLASS_TEACHER,
    }
)


def scopes_for(
    region_roles: list[str] | tuple[str, ...], school_roles: list[str] | tuple[str, ...]
):
    scopes: set[str] = set()
    for role in region_roles:
        scopes |= REGION_ROLE_SCOPES.get(role, frozenset())
    for role in school_roles:
        scopes |= SCHOOL_ROLE_SCOPES.get(role, frozenset())
    return frozenset(scopes)


def role_label(code: str) -> str:
    for enum in (RegionRole, SchoolRole):
        if code in enum.values:
            return str(enum(code).label)
    return code
