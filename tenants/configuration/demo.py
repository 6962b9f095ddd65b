"""Demo configuration of the three demo schools, each running its year its own way (issue 3):
quarters for grades 1–9 and half-years for 10–11; trimesters; a lyceum with quarters for 5–9 and
half-years for 10–11. Idempotent."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from otmetka.audit.context import AuditContext

from . import services
from .models import AcademicYear

P = services.PeriodInput
HOLIDAYS = [
    ("autumn", "Осенние каникулы", date(2026, 10, 26), date(2026, 11, 4)),
    ("winter", "Зимние каникулы", date(2026, 12, 29), date(2027, 1, 11)),
    ("spring", "Весенние каникулы", date(2027, 3, 22), date(2027, 3, 30)),
    ("summer", "Летние каникулы", date(2027, 5, 27), date(2027, 8, 31)),
]
QUARTERS = [
    P("quarter", "1 четверть", date(2026, 9, 1), date(2026, 10, 25)),
    P("quarter", "2 четверть", date(2026, 11, 5), date(2026, 12, 28)),
    P("quarter", "3 четверть", date(2027, 1, 12), date(2027, 3, 21)),
    P("quarter", "4 четверть", date(2027, 3, 31), date(2027, 5, 26)),
]
HALF_YEARS = [
    P("half_year", "1 полугодие", date(2026, 9, 1), date(2026, 12, 28)),
    P("half_year", "2 полугодие", date(2027, 1, 12), date(2027, 5, 26)),
]
TRIMESTER_HOLIDAYS = [
    ("autumn", "Осенние каникулы", date(2026, 11, 21), date(2026, 11, 29)),
    ("winter", "Зимние каникулы", date(2026, 12, 29), date(2027, 1, 11)),
    ("spring", "Весенние каникулы", date(2027, 2, 27), date(2027, 3, 8)),
    ("summer", "Летние каникулы", date(2027, 5, 27), date(2027, 8, 31)),
]
TRIMESTERS = [
    P("trimester", "1 триместр", date(2026, 9, 1), date(2026, 11, 20)),
    P("trimester", "2 триместр", date(2026, 11, 30), date(2027, 2, 26)),
    P("trimester", "3 триместр", date(2027, 3, 9), date(2027, 5, 26)),
]
PLANS = {
    "school-1": (HOLIDAYS, [("Четверти", 1, 9, QUARTERS), ("Полугодия", 10, 11, HALF_YEARS)]),
    "school-16": (TRIMESTER_HOLIDAYS, [("Триместры", 1, 11, TRIMESTERS)]),
    "lyceum-21": (HOLIDAYS, [("Четверти", 5, 9, QUARTERS), ("Полугодия", 10, 11, HALF_YEARS)]),
}


@transaction.atomic
def demo_configure(slug: str) -> bool:
    """Configure the current school schema as demo school `slug`; False if already done."""
    if slug not in PLANS or AcademicYear.objects.exists():
        return False
    ctx = AuditContext.system("demo")
    year = services.academic_year_create(
        ctx=ctx,
        name="2026/2027",
        start=date(2026, 9, 1),
        end=date(2027, 8, 31),
        order=services.Order("1-од", date(2026, 8, 28)),
        make_current=True,
    )
    holidays, structures = PLANS[slug]
    for kind, name, start, end in holidays:
        services.holiday_create(ctx=ctx, year=year, kind=kind, name=name, start=start, end=end)
    for name, grade_from, grade_to, periods in structures:
        services.period_structure_save(
            ctx=ctx, year=year, name=name, grade_from=grade_from, grade_to=grade_to, periods=periods
        )
    return True
