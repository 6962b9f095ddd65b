"""The timetable API: clashes as 400 with the clash named, filters, refusals on every route,
and a list whose query count does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.people import services as people
from tenants.timetable.api.urls import router
from tests.factories import school_client
from tests.routes import assert_outsiders_refused, call_route, router_routes
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


ROUTES = router_routes(router)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_refusals(school_a, school_b, method, path):
    assert_outsiders_refused(school_a, school_b, method, path)
    if method != "get":
        teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
        assert call_route(teacher, method, path) == 403


def test_a_clash_is_a_400_naming_it_and_lists_filter(school_a):
    with schema_context(school_a.schema_name):
        teacher = kit.staff("Часова")
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        kit.teach(teacher, five_a)
        kit.teach(teacher, five_b)
        maths = kit.maths()
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    body = {
        "school_class": five_a.pk, "subject": maths.pk, "teacher": teacher.pk, "weekday": 2,
        "number": 3, "valid_from": "2026-09-01", "valid_to": "2026-12-28",
    }  # fmt: skip
    created = deputy.post("/api/v1/timetable/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["unit"] == "5А" and created.json()["teacher_name"] == "Часова А.П."
    clash = deputy.post(
        "/api/v1/timetable/", {**body, "school_class": five_b.pk}, content_type="application/json"
    )
    assert clash.status_code == 400
    assert "вторник, 3-й урок" in clash.json()["fields"]["teacher"][0]
    # a class or a group: exactly one of them
    with schema_context(school_a.schema_name):
        group = people.group_create(
            ctx=kit.CTX, year=five_a.year, kind="optional", name="5А мат. 1", classes=[five_a]
        )
    for unit in ({"school_class": None}, {"group": group.pk}):
        bad = deputy.post("/api/v1/timetable/", {**body, **unit}, content_type="application/json")
        assert bad.status_code == 400
        assert bad.json()["fields"]["class"] == ["Укажите класс или группу."]
    listed = deputy.get(f"/api/v1/timetable/?teacher={teacher.pk}")
    assert [e["unit"] for e in listed.json()] == ["5А"]
    assert deputy.get(f"/api/v1/timetable/?class={five_b.pk}").json() == []
    assert deputy.get("/api/v1/timetable/?room=x").status_code == 400
    teacher_view = school_client(school_a, SchoolRole.SUBJECT_TEACHER).get("/api/v1/timetable/")
    assert teacher_view.status_code == 200


def test_the_timetable_list_runs_the_same_queries_for_any_length(school_a):
    from tenants.timetable import services

    with schema_context(school_a.schema_name):
        teacher = kit.staff("Много")
        classes = [kit.school_class(grade=g) for g in (5, 6, 7, 8)]
        for c in classes:
            kit.teach(teacher, c)

        def add(cls, weekday):
            services.timetable_entry_save(
                ctx=kit.CTX,
                data=services.EntryInput(
                    subject=kit.maths(), teacher=teacher, weekday=weekday, number=1,
                    valid_from=date(2026, 9, 1), valid_to=date(2026, 12, 28), school_class=cls,
                ),
            )  # fmt: skip

        add(classes[0], 1)
    client = school_client(school_a, SchoolRole.DIRECTOR)
    client.get("/api/v1/timetable/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/timetable/")
    with schema_context(school_a.schema_name):
        for day, cls in enumerate(classes[1:], start=2):
            add(cls, day)
    client.get("/api/v1/timetable/")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/timetable/").json()) == 4
    assert len(many) == len(few)
