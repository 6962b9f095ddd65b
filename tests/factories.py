"""Factories for the region and identity, and the run's two schools."""

from __future__ import annotations

import functools
import itertools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.region.models import Municipality, Region, School
from otmetka.region.validators import inn_with_checksum

PASSWORD = "correct-horse-battery"
_inn_counter = itertools.count(1)


def next_inn() -> str:
    return inn_with_checksum(f"77{next(_inn_counter):07d}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("id",)

    id = 1
    name = "Тестовый край"
    code = "99"
    default_time_zone = "Europe/Moscow"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципалитет {n}")
    code = factory.Sequence(lambda n: f"9{n:07d}")
    time_zone = "Europe/Moscow"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Петров"
    first_name = "Пётр"
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    rules_accepted_at = factory.LazyFunction(timezone.now)  # PDN-08 accepted


def region_user(role: str = RegionRole.MINISTRY_OFFICER, **kwargs) -> User:
    return UserFactory(region_roles=[role], **kwargs)


def school_user(school: School, *roles: str, **kwargs) -> User:
    user = UserFactory(**kwargs)
    SchoolMembership.objects.update_or_create(
        user=user, school=school, defaults={"roles": list(roles or [SchoolRole.SCHOOL_ADMIN])}
    )
    return user


def school_create(slug: str, *, municipality: Municipality | None = None, **kwargs):
    from otmetka.audit.context import AuditContext
    from otmetka.region import services

    municipality = municipality or MunicipalityFactory()
    return services.school_create(
        ctx=AuditContext.system("tests"),
        slug=slug,
        short_name=kwargs.pop("short_name", f"Школа {slug}"),
        full_name=kwargs.pop("full_name", f"Тестовая школа {slug}"),
        inn=kwargs.pop("inn", next_inn()),
        time_zone=kwargs.pop("time_zone", "Europe/Moscow"),
        municipality=municipality,
        **kwargs,
    ).school


@functools.cache
def _session_school_ids() -> dict[str, int]:
    municipality = MunicipalityFactory(name="Школьный округ", code="80000001")
    a = school_create("school-a", municipality=municipality, short_name="Школа А")
    b = school_create(
        "school-b", municipality=municipality, short_name="Школа Б", time_zone="Asia/Kamchatka"
    )
    return {"a": a.pk, "b": b.pk}


def session_schools() -> dict[str, School]:
    """Schools A and B, created once per test run (committed, so every test sees them)."""
    ids = _session_school_ids()
    return {key: School.objects.get(pk=pk) for key, pk in ids.items()}


def school_client(school: School, *roles: str):
    """A test client on the school's host, signed in with `roles` (anonymous without)."""
    from django.test import Client

    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    if roles:
        client.force_login(school_user(school, *roles))
    return client


def region_client(user=None):
    """A test client on the region's host, signed in as `user` (anonymous without)."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client
