"""Academic years, period structures and holidays (CFG-01…04): rules, audit, API, isolation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.configuration import selectors, services
from tenants.configuration.models import AcademicYear, PeriodStructure
from tests.factories import school_client, school_user

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="director", source="api")
ORDER = services.Order("12-од", date(2026, 8, 28))
QUARTERS = [
    services.PeriodInput("quarter", "1 четверть", date(2026, 9, 1), date(2026, 10, 25)),
    services.PeriodInput("quarter", "2 четверть", date(2026, 11, 5), date(2026, 12, 28)),
    services.PeriodInput("quarter", "3 четверть", date(2027, 1, 12), date(2027, 3, 21)),
    services.PeriodInput("quarter", "4 четверть", date(2027, 3, 31), date(2027, 5, 26)),
]
HOLIDAYS = [
    ("autumn", "Осенние", date(2026, 10, 26), date(2026, 11, 4)),
    ("winter", "Зимние", date(2026, 12, 29), date(2027, 1, 11)),
    ("spring", "Весенние", date(2027, 3, 22), date(2027, 3, 30)),
]


def make_year(name="2026/2027", start=date(2026, 9, 1), end=date(2027, 8, 31), current=True):
    return services.academic_year_create(
        ctx=CTX, name=name, start=start, end=end, order=ORDER, make_current=current
    )


def with_holidays(year):
    for kind, name, start, end in HOLIDAYS:
        services.holiday_create(ctx=CTX, year=year, kind=kind, name=name, start=start, end=end)


def test_exactly_one_current_year(school_a):
    with schema_context(school_a.schema_name):
        first = make_year()
        second = make_year("2027/2028", date(2027, 9, 1), date(2028, 8, 31), current=False)
        services.academic_year_make_current(ctx=CTX, year=second)
        assert list(AcademicYear.objects.filter(is_current=True)) == [second]
        first.refresh_from_db()
        assert not first.is_current


def test_year_rules(school_a):
    with schema_context(school_a.schema_name):
        make_year()
        with pytest.raises(ValidationError) as overlap:
            make_year("2027/2028", date(2027, 6, 1), date(2028, 5, 31))
        assert "start" in overlap.value.message_dict
        with pytest.raises(ValidationError) as backwards:
            make_year("2030/2031", date(2031, 9, 1), date(2030, 9, 1))
        assert "end" in backwards.value.message_dict
        with pytest.raises(ValidationError) as no_order:
            services.academic_year_create(
                ctx=CTX,
                name="2031/2032",
                start=date(2031, 9, 1),
                end=date(2032, 5, 31),
                order=services.Order(" ", ORDER.date),
                make_current=False,
            )
        assert "order_number" in no_order.value.message_dict


def test_quarters_with_holidays_are_accepted_and_audited(school_a):
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        structure = services.period_structure_save(
            ctx=CTX, year=year, name="Четверти", grade_from=1, grade_to=9, periods=QUARTERS
        )
        assert [p.number for p in structure.periods.order_by("start")] == [1, 2, 3, 4]
        actions = list(AuditRecord.objects.values_list("action", flat=True))
        assert actions.count("holiday.create") == 3 and "period_structure.save" in actions


def test_the_periods_of_a_grade_in_a_year(school_a):
    # given: quarters for grades 1–9 and halves for 10–11 this year; halves next year
    halves = [
        services.PeriodInput("half_year", "1 полугодие", date(2026, 9, 1), date(2026, 12, 28)),
        services.PeriodInput("half_year", "2 полугодие", date(2027, 1, 12), date(2027, 5, 26)),
    ]
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        later = make_year("2027/2028", date(2027, 9, 1), date(2028, 8, 31), current=False)
        services.period_structure_save(
            ctx=CTX, year=year, name="Полугодия", grade_from=10, grade_to=11, periods=halves
        )
        services.period_structure_save(
            ctx=CTX, year=year, name="Четверти", grade_from=1, grade_to=9,
            periods=list(reversed(QUARTERS)),
        )  # fmt: skip
        services.period_structure_save(
            ctx=CTX, year=later, name="Полугодия", grade_from=1, grade_to=11,
            periods=[
                services.PeriodInput("half_year", "1 полугодие", date(2027, 9, 1),
                                     date(2027, 12, 31)),
                services.PeriodInput("half_year", "2 полугодие", date(2028, 1, 1),
                                     date(2028, 5, 31)),
            ],
        )  # fmt: skip

        # when
        fifth = list(selectors.periods_for(year=year, grade=5))
        tenth = list(selectors.periods_for(year=None, grade=10))  # None: the current year
        next_fifth = list(selectors.periods_for(year=later.pk, grade=5))

    # then: the grade's own periods of that year, in their order
    assert [p.name for p in fifth] == [p.name for p in QUARTERS]
    assert [p.name for p in tenth] == ["1 полугодие", "2 полугодие"]
    assert [p.start.year for p in next_fifth] == [2027, 2028]


@pytest.mark.parametrize(
    ("periods", "key", "words"),
    [
        (
            [
                QUARTERS[0],
                services.PeriodInput("quarter", "2", date(2026, 10, 20), date(2026, 12, 28)),
            ],
            "periods[1].start",
            "пересекается",
        ),
        (
            [
                QUARTERS[0],
                services.PeriodInput("quarter", "2", date(2026, 11, 16), date(2026, 12, 28)),
            ],
            "periods[1].start",
            "разрыв",
        ),
        (
            [services.PeriodInput("quarter", "1", date(2026, 8, 1), date(2026, 10, 25))],
            "periods[0].start",
            "границы учебного года",
        ),
        ([], "periods", "хотя бы один"),
    ],
)
def test_period_rules_name_the_field(school_a, periods, key, words):
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        with pytest.raises(ValidationError) as error:
            services.period_structure_save(
                ctx=CTX, year=year, name="X", grade_from=1, grade_to=9, periods=periods
            )
        assert key in error.value.message_dict
        assert words in " ".join(error.value.message_dict[key])
        assert not PeriodStructure.objects.exists()


def test_grade_ranges_of_structures_do_not_overlap(school_a):
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        services.period_structure_save(
            ctx=CTX, year=year, name="Четверти", grade_from=1, grade_to=9, periods=QUARTERS
        )
        with pytest.raises(ValidationError) as error:
            services.period_structure_save(
                ctx=CTX,
                year=year,
                name="Полугодия",
                grade_from=9,
                grade_to=11,
                periods=QUARTERS[:1],
            )
        assert "grade_from" in error.value.message_dict


def test_annual_calendar_marks_study_days_holidays_and_weekends(school_a):
    from otmetka.region.choices import CalendarDayKind
    from otmetka.region.models import CalendarDay, Region

    with schema_context(school_a.schema_name):
        CalendarDay.objects.get_or_create(
            region=Region.objects.get(pk=1),
            date=date(2026, 11, 4),
            defaults={"kind": CalendarDayKind.HOLIDAY},
        )
        year = make_year()
        with_holidays(year)
        services.period_structure_save(
            ctx=CTX, year=year, name="Четверти", grade_from=1, grade_to=9, periods=QUARTERS
        )
        days = {d.date: d for d in selectors.annual_calendar(year=year, grade=5)}
        assert days[date(2026, 9, 1)].kind == "study"
        assert days[date(2026, 9, 1)].period == "1 четверть"
        assert days[date(2026, 9, 5)].kind == "weekend"  # Saturday
        assert days[date(2026, 10, 27)].kind == "holiday"
        assert days[date(2027, 7, 1)].kind == "holiday"  # after the last period: summer


# --- API -------------------------------------------------------------------------------------


api = school_client


YEAR = {
    "name": "2026/2027",
    "start": "2026-09-01",
    "end": "2027-08-31",
    "make_current": True,
    "order_number": "12-од",
    "order_date": "2026-08-28",
}


def test_director_sets_up_the_year_through_the_api(school_a):
    client = api(school_a, SchoolRole.DIRECTOR)
    year = client.post("/api/v1/academic-years/", YEAR, content_type="application/json")
    assert year.status_code == 201, year.json()
    year_id = year.json()["id"]
    for kind, name, start, end in HOLIDAYS:
        response = client.post(
            "/api/v1/holidays/",
            {"year": year_id, "kind": kind, "name": name, "start": str(start), "end": str(end)},
            content_type="application/json",
        )
        assert response.status_code == 201, response.json()
    body = {
        "year": year_id,
        "name": "Четверти",
        "grade_from": 1,
        "grade_to": 9,
        "periods": [
            {"kind": p.kind, "name": p.name, "start": str(p.start), "end": str(p.end)}
            for p in QUARTERS
        ],
    }
    created = client.post("/api/v1/period-structures/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert len(created.json()["periods"]) == 4
    calendar = client.get(f"/api/v1/academic-years/{year_id}/calendar/?grade=3")
    assert calendar.status_code == 200 and len(calendar.json()) == 365


def test_bad_input_gives_field_messages(school_a):
    client = api(school_a, SchoolRole.SCHOOL_ADMIN)
    bad = client.post(
        "/api/v1/academic-years/",
        {**YEAR, "name": "2026", "end": "2026-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "name" in bad.json()["fields"]
    year_id = client.post("/api/v1/academic-years/", YEAR, content_type="application/json").json()[
        "id"
    ]
    overlap = client.post(
        "/api/v1/period-structures/",
        {
            "year": year_id,
            "name": "Ч",
            "grade_from": 1,
            "grade_to": 9,
            "periods": [
                {"kind": "quarter", "name": "1", "start": "2026-09-01", "end": "2026-10-31"},
                {"kind": "quarter", "name": "2", "start": "2026-10-15", "end": "2026-12-28"},
            ],
        },
        content_type="application/json",
    )
    assert overlap.status_code == 400
    assert "periods[1].start" in overlap.json()["fields"]
    calendar = client.get(f"/api/v1/academic-years/{year_id}/calendar/?grade=x")
    assert calendar.status_code == 400 and "grade" in calendar.json()["fields"]


@pytest.mark.parametrize(
    "role",
    [
        SchoolRole.SUBJECT_TEACHER,
        SchoolRole.CLASS_TEACHER,
        SchoolRole.RECORDS_CLERK,
        SchoolRole.STUDENT,
        SchoolRole.GUARDIAN,
    ],
)
def test_roles_that_may_not_change_settings(school_a, role):
    client = api(school_a, role)
    response = client.post("/api/v1/academic-years/", YEAR, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", [SchoolRole.STUDENT, SchoolRole.GUARDIAN])
def test_families_do_not_read_settings_through_this_api(school_a, role):
    assert api(school_a, role).get("/api/v1/academic-years/").status_code == 403


def test_another_schools_director_is_refused(school_a, school_b):
    user = school_user(school_a, SchoolRole.DIRECTOR)
    client = Client(HTTP_HOST=f"{school_b.slug}.localhost")
    client.force_login(user)
    assert client.get("/api/v1/academic-years/").status_code == 403
    assert (
        client.post("/api/v1/academic-years/", YEAR, content_type="application/json").status_code
        == 403
    )


def test_years_of_one_school_are_invisible_in_another(school_a, school_b):
    api(school_a, SchoolRole.DIRECTOR).post(
        "/api/v1/academic-years/", YEAR, content_type="application/json"
    )
    listed = api(school_b, SchoolRole.DIRECTOR).get("/api/v1/academic-years/")
    assert listed.status_code == 200 and listed.json() == []


def test_school_home_shows_the_current_year(school_a):
    client = api(school_a, SchoolRole.DIRECTOR)
    year_id = client.post("/api/v1/academic-years/", YEAR, content_type="application/json").json()[
        "id"
    ]
    for kind, name, start, end in HOLIDAYS:
        client.post(
            "/api/v1/holidays/",
            {"year": year_id, "kind": kind, "name": name, "start": str(start), "end": str(end)},
            content_type="application/json",
        )
    client.post(
        "/api/v1/period-structures/",
        {
            "year": year_id,
            "name": "Четверти",
            "grade_from": 1,
            "grade_to": 9,
            "periods": [
                {"kind": p.kind, "name": p.name, "start": str(p.start), "end": str(p.end)}
                for p in QUARTERS
            ],
        },
        content_type="application/json",
    )
    body = client.get("/").content.decode()
    assert "Учебный год 2026/2027" in body and "3 четверть" in body
