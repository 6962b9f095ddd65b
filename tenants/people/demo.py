"""Demo people (issue 4): staff, classes 1–11 (5–11 in the lyceum), 300–900 students with their
guardians through the real import, teaching assignments and a few movements. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from otmetka.audit.context import AuditContext
from tenants.configuration.models import AcademicYear, Subject
from tenants.configuration.services import Order

from . import imports, services
from .models import SchoolClass, Staff, Student

LAST = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
]
FIRST_M = [
    "Александр",
    "Максим",
    "Иван",
    "Артём",
    "Дмитрий",
    "Никита",
    "Михаил",
    "Егор",
    "Матвей",
    "Андрей",
    "Илья",
    "Кирилл",
]
FIRST_F = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Софья",
    "Алиса",
    "Варвара",
    "Полина",
]
MIDDLE_M = ["Сергеевич", "Андреевич", "Алексеевич", "Игоревич", "Олегович", "Павлович"]
MIDDLE_F = ["Сергеевна", "Андреевна", "Алексеевна", "Игоревна", "Олеговна", "Павловна"]
# slug → (grades, letters, students per class)
PLANS = {
    "school-1": (range(1, 12), "АБ", 25),  # 22 classes, ~550 students
    "school-16": (range(1, 12), "АБВ", 26),  # 33 classes, ~860 students
    "lyceum-21": (range(5, 12), "АБ", 24),  # 14 classes, ~340 students
}  # fmt: skip
ORDER = Order("95-у", date(2026, 8, 31))


def _feminine(last: str) -> str:
    return last[:-1] + "ая" if last.endswith("ий") else last + "а"


def _rows(slug: str, rng: random.Random) -> list[list[str]]:
    grades, letters, size = PLANS[slug]
    rows, seen = [], set()
    for grade in grades:
        for letter in letters:
            for _ in range(size):
                girl = rng.random() < 0.5
                last = rng.choice(LAST)
                first = rng.choice(FIRST_F if girl else FIRST_M)
                middle = rng.choice(MIDDLE_F if girl else MIDDLE_M)
                birth = date(2019 - grade, 1, 1) + timedelta(days=rng.randrange(365))
                if (last, first, middle, birth) in seen:
                    continue
                seen.add((last, first, middle, birth))
                phone = f"+7914{rng.randrange(10**7):07d}"
                row = [
                    f"{grade}{letter}",
                    _feminine(last) if girl else last,
                    first,
                    middle,
                    birth.strftime("%d.%m.%Y"),
                    "очная",
                    "нет",
                    "",
                    "",
                ]
                row += [
                    _feminine(last),
                    rng.choice(FIRST_F),
                    rng.choice(MIDDLE_F),
                    "мать",
                    phone,
                    "",
                ]
                if rng.random() < 0.5:
                    row += [
                        last,
                        rng.choice(FIRST_M),
                        rng.choice(MIDDLE_M),
                        "отец",
                        f"+7924{rng.randrange(10**7):07d}",
                        "",
                    ]
                else:
                    row += [""] * 6
                rows.append(row)
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    header = [title for _, title, _ in imports.TEMPLATES["students"]]
    return imports.export_csv([header, *rows])


def _staff(ctx: AuditContext, rng: random.Random, count: int) -> list[Staff]:
    staff = []
    for i in range(count):
        girl = i % 4 != 0
        last = LAST[(i * 7) % len(LAST)]
        staff.append(
            services.staff_save(
                ctx=ctx,
                data=services.StaffInput(
                    names=services.Names(
                        _feminine(last) if girl else last,
                        rng.choice(FIRST_F if girl else FIRST_M),
                        rng.choice(MIDDLE_F if girl else MIDDLE_M),
                    ),
                    positions=["teacher"],
                    contract_start=date(2010 + i % 15, 9, 1),
                ),
            )
        )
    return staff


@transaction.atomic
def demo_people(slug: str, accounts: dict[str, int]) -> bool:
    """Fill the current school schema; `accounts` maps demo roles to global user ids
    (class_teacher, subject_teacher) to link to staff. False if already done."""
    if slug not in PLANS or Student.objects.exists():
        return False
    year = AcademicYear.objects.get(is_current=True)
    ctx = AuditContext.system("demo")
    rng = random.Random(slug)  # noqa: S311 - demo names, not secrets
    grades, letters, _ = PLANS[slug]
    staff = _staff(ctx, rng, len(grades) * len(letters) + 6)
    classes = []
    for i, (grade, letter) in enumerate((g, letter) for g in grades for letter in letters):
        classes.append(
            services.class_save(
                ctx=ctx, year=year, grade=grade, letter=letter, class_teacher=staff[i]
            )
        )
    report = imports.run_import(
        ctx=ctx,
        kind="students",
        file_name="demo.csv",
        data=_csv(_rows(slug, rng)),
        dry_run=False,
        year=year,
        date_from=year.start,
        order=ORDER,
    )
    assert report.ok, report.as_dict()["errors"][:3]
    # the demo class teacher leads the first class; the demo subject teacher teaches maths there
    # and in the next class
    if "class_teacher" in accounts:
        services.staff_link_user(ctx=ctx, staff=staff[0], user_id=accounts["class_teacher"])
    maths = Subject.objects.filter(federal_code="mathematics").first()
    teacher = staff[-1]
    if "subject_teacher" in accounts:
        services.staff_link_user(ctx=ctx, staff=teacher, user_id=accounts["subject_teacher"])
    if maths is not None:
        for school_class in classes[:2]:
            services.teaching_assign(
                ctx=ctx,
                staff=teacher,
                subject=maths,
                school_class=school_class,
                date_from=year.start,
            )
    _movements(ctx, classes)
    return True


def _movements(ctx: AuditContext, classes: list[SchoolClass]) -> None:
    """A transfer between parallel classes and a transfer to another school."""
    first, second = classes[0], classes[1]
    students = list(Student.objects.filter(class_memberships__school_class=first)[:2])
    if len(students) < 2 or first.grade != second.grade:
        return
    services.class_transfer(
        ctx=ctx,
        student=students[0],
        to_class=second,
        date_on=date(2026, 10, 12),
        order=Order("104-у", date(2026, 10, 9)),
    )
    services.student_leave(
        ctx=ctx,
        student=students[1],
        kind="transfer_out",
        date_on=date(2026, 11, 6),
        order=Order("118-у", date(2026, 11, 5)),
        destination="МАОУ «Средняя школа № 7», г. Елизово",
    )
