"""Demo configuration: the region's template and three schools that run their year their own way
(issue 3): school 1 keeps the template (quarters for 1–9, half-years for 10–11, 5-point scale);
school 16 runs trimesters and marks grades 5–11 on a 10-point scale converted to 5 points;
lyceum 21 teaches grades 5–11 with quarters and half-years and its own regulation. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext

from . import regional_template, services
from .models import AcademicYear, GradingSystem, HolidayPeriod, PeriodStructure, Subject, WorkType


def _period(kind: str, name: str, start: str, end: str) -> dict:
    return {"kind": kind, "name": name, "start": start, "end": end}


HOLIDAYS = [
    {"kind": "autumn", "name": "Осенние каникулы", "start": "2026-10-26", "end": "2026-11-04"},
    {"kind": "winter", "name": "Зимние каникулы", "start": "2026-12-29", "end": "2027-01-11"},
    {"kind": "spring", "name": "Весенние каникулы", "start": "2027-03-22", "end": "2027-03-30"},
    {"kind": "summer", "name": "Летние каникулы", "start": "2027-05-27", "end": "2027-08-31"},
]
QUARTERS = [
    _period("quarter", "1 четверть", "2026-09-01", "2026-10-25"),
    _period("quarter", "2 четверть", "2026-11-05", "2026-12-28"),
    _period("quarter", "3 четверть", "2027-01-12", "2027-03-21"),
    _period("quarter", "4 четверть", "2027-03-31", "2027-05-26"),
]
HALF_YEARS = [
    _period("half_year", "1 полугодие", "2026-09-01", "2026-12-28"),
    _period("half_year", "2 полугодие", "2027-01-12", "2027-05-26"),
]
TRIMESTER_HOLIDAYS = [
    {"kind": "autumn", "name": "Осенние каникулы", "start": "2026-11-21", "end": "2026-11-29"},
    {"kind": "winter", "name": "Зимние каникулы", "start": "2026-12-29", "end": "2027-01-11"},
    {"kind": "spring", "name": "Весенние каникулы", "start": "2027-02-27", "end": "2027-03-08"},
    {"kind": "summer", "name": "Летние каникулы", "start": "2027-05-27", "end": "2027-08-31"},
]
TRIMESTERS = [
    _period("trimester", "1 триместр", "2026-09-01", "2026-11-20"),
    _period("trimester", "2 триместр", "2026-11-30", "2027-02-26"),
    _period("trimester", "3 триместр", "2027-03-09", "2027-05-26"),
]

REGION_TEMPLATE = {
    "calendar": {
        "year_name": "2026/2027",
        "start": "2026-09-01",
        "end": "2027-08-31",
        "holidays": HOLIDAYS,
    },
    "structures": [
        {"name": "Четверти", "grade_from": 1, "grade_to": 9, "periods": QUARTERS},
        {"name": "Полугодия", "grade_from": 10, "grade_to": 11, "periods": HALF_YEARS},
    ],
    "grading": {"default_kind": "five_point"},
    "work_types": [
        {"code": "oral", "name": "Устный ответ", "form_of_control": "oral", "weight": "1",
         "mark_due_days": 0},
        {"code": "written", "name": "Письменная работа", "form_of_control": "written",
         "weight": "1", "mark_due_days": 7},
        {"code": "control", "name": "Контрольная работа", "form_of_control": "written",
         "weight": "2", "mark_due_days": 7},
        {"code": "internal_control", "name": "Работа ВШК", "form_of_control": "written",
         "weight": "2", "mark_due_days": 3},
    ],
    "regulation": {
        "values": {"setup_deadline": "09-01", "period_auto_close_days_after_end": 5},
        "ranges": {"period_auto_close_days_after_end": [3, 10]},
    },
}  # fmt: skip

SUBJECTS = {
    "school-1": ["russian", "literary_reading", "literature", "foreign_language", "mathematics",
                 "algebra", "geometry", "probability", "informatics", "world_around", "history",
                 "social_studies", "geography", "physics", "chemistry", "biology", "fine_arts",
                 "music", "labour", "physical_education", "obzr"],
    "school-16": ["russian", "literary_reading", "literature", "foreign_language", "mathematics",
                  "algebra", "geometry", "world_around", "history", "geography", "physics",
                  "chemistry", "biology", "physical_education"],
    "lyceum-21": ["russian", "literature", "foreign_language", "second_foreign_language",
                  "algebra", "geometry", "probability", "informatics", "history",
                  "social_studies", "physics", "chemistry", "biology", "physical_education",
                  "obzr", "individual_project"],
}  # fmt: skip
ROOMS = [
    ("101", "Начальные классы", "classroom", 28),
    ("201", "Кабинет математики", "classroom", 30),
    ("202", "Кабинет физики", "laboratory", 26),
    ("203", "Кабинет информатики", "computer", 15),
    ("С1", "Спортивный зал", "gym", 60),
]
# a minimal valid PDF for the demo's published act (real acts are uploaded by the school)
ACT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _structures(ctx, year: AcademicYear, holidays: list[dict], structures: list[tuple]) -> None:
    PeriodStructure.objects.filter(year=year).delete()
    HolidayPeriod.objects.filter(year=year).delete()
    for h in holidays:
        services.holiday_create(
            ctx=ctx,
            year=year,
            kind=h["kind"],
            name=h["name"],
            start=date.fromisoformat(h["start"]),
            end=date.fromisoformat(h["end"]),
        )
    for name, grade_from, grade_to, periods in structures:
        services.period_structure_save(
            ctx=ctx,
            year=year,
            name=name,
            grade_from=grade_from,
            grade_to=grade_to,
            periods=[
                services.PeriodInput(
                    p["kind"],
                    p["name"],
                    date.fromisoformat(p["start"]),
                    date.fromisoformat(p["end"]),
                )
                for p in periods
            ],
        )


@transaction.atomic
def demo_configure(slug: str) -> bool:
    """Configure the current school schema as demo school `slug`; False if already done."""
    if slug not in SUBJECTS or Subject.objects.exists():
        return False
    ctx = AuditContext.system("demo")
    if not AcademicYear.objects.exists():  # a school made before the region had a template
        regional_template.template_apply(ctx=ctx, version=1, content=REGION_TEMPLATE)
    year = AcademicYear.objects.get(name="2026/2027")
    services.subjects_add_from_catalogue(ctx=ctx, codes=SUBJECTS[slug])
    for number, name, kind, capacity in ROOMS:
        services.room_save(ctx=ctx, number=number, name=name, kind=kind, capacity=capacity)
    act = services.local_act_upload(
        ctx=ctx,
        title="Положение о ведении электронного журнала и электронного дневника",
        kind="journal_regulation",
        order=services.Order("1-од", date(2026, 8, 28)),
        is_public=True,
        file_name="polozhenie-ezh.pdf",
        data=ACT_PDF,
    )
    services.local_act_publish(ctx=ctx, act=act, published=True)
    tomorrow = timezone.localdate() + timedelta(days=1)
    if slug == "school-16":
        _structures(ctx, year, TRIMESTER_HOLIDAYS, [("Триместры", 1, 11, TRIMESTERS)])
        services.grading_assignment_save(
            ctx=ctx,
            system=GradingSystem.objects.get(kind="ten_point"),
            subject=None,
            grade_from=5,
            grade_to=11,
        )
        services.regulation_version_create(
            ctx=ctx,
            effective_from=tomorrow,
            order=services.Order("112-од", timezone.localdate()),
            values={"homework_due_minutes_after_last_lesson": 120},
        )
    elif slug == "lyceum-21":
        _structures(
            ctx,
            year,
            HOLIDAYS,
            [("Четверти", 5, 9, QUARTERS), ("Полугодия", 10, 11, HALF_YEARS)],
        )
        services.work_type_save(
            ctx=ctx,
            code="control",
            name="Контрольная работа",
            form_of_control="written",
            weight=Decimal(3),
            mark_due_days=5,
            work_type=WorkType.objects.get(code="control"),
        )
        services.regulation_version_create(
            ctx=ctx,
            effective_from=tomorrow,
            order=services.Order("87-од", timezone.localdate()),
            values={"period_auto_close_days_after_end": 3, "journal_print_policy": "both"},
        )
    return True
