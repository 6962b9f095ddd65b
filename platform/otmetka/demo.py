"""Demo region: a municipality, three schools, a ministry officer, an operator and a school
admin per school. Idempotent; every later capability adds its own demo data here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django_tenants.utils import schema_context

from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.audit.context import AuditContext
from otmetka.region import services
from otmetka.region.choices import CalendarDayKind
from otmetka.region.models import CalendarDay, Municipality, Region, RegionTemplate, School
from otmetka.region.validators import inn_with_checksum
from tenants.configuration.demo import REGION_TEMPLATE, demo_configure
from tenants.journal.demo import demo_journal
from tenants.people.demo import demo_people
from tenants.timetable.demo import demo_timetable

DEMO_PASSWORD = "otmetka-demo"  # noqa: S105 - demo region only, printed by `otmetka up`
REGION = {"name": "Камчатский край", "code": "41", "default_time_zone": "Asia/Kamchatka"}
MUNICIPALITY = {
    "name": "Петропавловск-Камчатский городской округ",
    "code": "30701000",
    "time_zone": "Asia/Kamchatka",
}
SCHOOLS = [
    (
        "school-1",
        "Средняя школа № 1",
        "Муниципальное автономное общеобразовательное учреждение «Средняя школа № 1»",
        "410100001",
    ),
    (
        "school-16",
        "Средняя школа № 16",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 16»",
        "410100016",
    ),
    (
        "lyceum-21",
        "Лицей № 21",
        "Муниципальное автономное общеобразовательное учреждение «Лицей № 21»",
        "410100021",
    ),
]
# Non-working days of the 2026 production calendar beyond weekends (demo copy; the region's
# officer maintains the official calendar).
HOLIDAYS_2026 = [
    *(date(2026, 1, d) for d in range(1, 9)),
    date(2026, 1, 9),
    date(2026, 2, 23),
    date(2026, 3, 9),
    date(2026, 5, 1),
    date(2026, 5, 11),
    date(2026, 6, 12),
    date(2026, 11, 4),
    date(2026, 12, 31),
]


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    url: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    created: int = 0


def _user(username: str, *, names: tuple[str, str, str], **fields) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"last_name": names[0], "first_name": names[1], "middle_name": names[2], **fields},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def demo_load() -> DemoResult:
    from otmetka.region.routing import public_url, school_url

    result = DemoResult()
    ctx = AuditContext.system("demo")
    with transaction.atomic():
        region, _ = Region.objects.get_or_create(pk=1, defaults=REGION)
        for day in HOLIDAYS_2026:
            CalendarDay.objects.get_or_create(
                region=region, date=day, defaults={"kind": CalendarDayKind.HOLIDAY}
            )
        municipality, _ = Municipality.objects.get_or_create(
            code=MUNICIPALITY["code"], defaults={**MUNICIPALITY, "region": region}
        )
        operator = _user(
            "operator",
            names=("Оператор", "Платформы", ""),
            region_roles=[RegionRole.PLATFORM_OPERATOR],
            is_staff=True,
            is_superuser=True,
        )
        officer = _user(
            "ministry",
            names=("Иванова", "Мария", "Петровна"),
            region_roles=[RegionRole.MINISTRY_OFFICER],
        )
        if not RegionTemplate.objects.exists():
            draft = services.template_draft_save(
                ctx=ctx, content=REGION_TEMPLATE, note="Шаблон на 2026/2027 учебный год"
            )
            services.template_publish(ctx=ctx, template=draft)
        result.logins += [
            DemoLogin(officer.username, DEMO_PASSWORD, "сотрудник министерства", public_url("/")),
            DemoLogin(operator.username, DEMO_PASSWORD, "оператор платформы", public_url("/")),
        ]
    for slug, short_name, full_name, inn9 in SCHOOLS:
        school = School.objects.filter(slug=slug).first()
        if school is None:
            school = services.school_create(
                ctx=ctx,
                slug=slug,
                short_name=short_name,
                full_name=full_name,
                inn=inn_with_checksum(inn9),
                time_zone=municipality.time_zone,
                municipality=municipality,
                address="683000, г. Петропавловск-Камчатский",
            ).school
            result.created += 1
        admin = _user(f"admin-{slug}", names=("Администратор", short_name, ""))
        SchoolMembership.objects.get_or_create(
            user=admin, school=school, defaults={"roles": [SchoolRole.SCHOOL_ADMIN]}
        )
        director = _user(f"director-{slug}", names=("Директор", short_name, ""))
        SchoolMembership.objects.get_or_create(
            user=director, school=school, defaults={"roles": [SchoolRole.DIRECTOR]}
        )
        teachers = {}
        for role, prefix, title in [
            (SchoolRole.CLASS_TEACHER, "class-teacher", "Классный руководитель"),
            (SchoolRole.SUBJECT_TEACHER, "teacher", "Учитель"),
        ]:
            user = _user(f"{prefix}-{slug}", names=(title, short_name, ""))
            SchoolMembership.objects.get_or_create(
                user=user, school=school, defaults={"roles": [role]}
            )
            teachers[role] = user
        with schema_context(school.schema_name):
            demo_configure(slug)
            demo_people(
                slug,
                accounts={
                    "class_teacher": teachers[SchoolRole.CLASS_TEACHER].pk,
                    "subject_teacher": teachers[SchoolRole.SUBJECT_TEACHER].pk,
                },
            )
            demo_timetable()
            demo_journal()
        result.schools.append(school)
        result.logins.append(
            DemoLogin(
                admin.username, DEMO_PASSWORD, f"администратор ЭЖ, {short_name}", school_url(slug)
            )
        )
        result.logins.append(
            DemoLogin(director.username, DEMO_PASSWORD, f"директор, {short_name}", school_url(slug))
        )
        for role, user in teachers.items():
            label = "классный руководитель" if role == SchoolRole.CLASS_TEACHER else "учитель"
            result.logins.append(
                DemoLogin(user.username, DEMO_PASSWORD, f"{label}, {short_name}", school_url(slug))
            )
    _demo_family(result, public_url)
    return result


def _demo_family(result: DemoResult, public_url) -> None:
    """A guardian with a child in each of the first two schools: the diary across schools."""
    from tenants.diary.demo import diary_family

    parent = _user("parent", names=("Смирнова", "Елена", "Викторовна"))
    children = []
    for school in result.schools[:2]:
        with transaction.atomic():
            SchoolMembership.objects.get_or_create(
                user=parent, school=school, defaults={"roles": [SchoolRole.GUARDIAN]}
            )
            with schema_context(school.schema_name):
                name = diary_family(parent.pk)
        if name:
            children.append(name)
    if children:
        result.logins.append(
            DemoLogin(parent.username, DEMO_PASSWORD,
                      f"законный представитель: {', '.join(children)}", public_url("/diary/"))
        )  # fmt: skip
