"""The events API: refusals on every route, the control-work schedule (TTB-10), who writes
class and school events (TTB-11), and lists whose query count does not grow."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.events import services
from tenants.events.api.urls import router
from tenants.events.models import ControlWork, Event, ExamChoice
from tests.factories import school_client
from tests.routes import assert_outsiders_refused, call_route, router_routes
from tests.tenants.events import events_kit as ek
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

ROUTES = router_routes(router)
# staff roles that must be refused on a route besides families, outsiders and anonymous callers
WRONG_ROLES = {
    "control-works": {"get": (), "write": (SchoolRole.SUBJECT_TEACHER, SchoolRole.CLASS_TEACHER)},
    "events": {"get": (), "write": (SchoolRole.SUBJECT_TEACHER, SchoolRole.RECORDS_CLERK)},
    "exam-choices": {
        "get": (SchoolRole.SUBJECT_TEACHER,),
        "write": (SchoolRole.SUBJECT_TEACHER,),
    },
}


def test_every_route_is_walked():
    assert {path.split("/")[3] for _, path in ROUTES} == set(WRONG_ROLES)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_refusals(school_a, school_b, method, path):
    def call(client):
        return call_route(client, method, path)

    # given every caller who must not use the route
    # then families, another school's staff and anonymous callers are refused
    assert_outsiders_refused(school_a, school_b, method, path)
    # and so are the staff roles without the route's scope
    wrong = WRONG_ROLES[path.split("/")[3]]["get" if method == "get" else "write"]
    for role in wrong:
        assert call(school_client(school_a, role)) == 403, role


def test_exam_choices_are_written_with_people_write(school_a):
    # a deputy holds people:write: past the scope check, an empty body is a 400, not a 403
    response = school_client(school_a, SchoolRole.DEPUTY).post(
        "/api/v1/exam-choices/", {}, content_type="application/json"
    )
    assert response.status_code == 400


# --- control works (TTB-10)


@pytest.fixture
def five_a(school_a):
    with schema_context(school_a.schema_name):
        return kit.school_class(), kit.maths(), ek.subject("russian")


def _work(school_class, subject, day="2026-12-10", **extra):
    return {
        "school_class": school_class.pk,
        "subject": subject.pk,
        "date": day,
        "form": "control_work",
        "title": "Дроби",
        **extra,
    }


def test_a_second_control_work_the_same_day_is_refused_naming_the_first(school_a, five_a):
    school_class, maths, russian = five_a
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    # given a control work of 5А on 10 December
    first = deputy.post(
        "/api/v1/control-works/", _work(school_class, maths), content_type="application/json"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["unit"] == "5А" and first.json()["form_label"] == "Контрольная работа"
    # when a dictation in Russian is put on the same day
    second = deputy.post(
        "/api/v1/control-works/",
        _work(school_class, russian, form="dictation", title=""),
        content_type="application/json",
    )
    # then it is refused, naming the one already there
    assert second.status_code == 400
    message = second.json()["fields"]["date"][0]
    assert "10.12.2026" in message and "«Дроби»" in message and "«Математика»" in message
    # and another day is fine; the first is audited
    other_day = deputy.post(
        "/api/v1/control-works/",
        _work(school_class, russian, day="2026-12-11", form="dictation", title=""),
        content_type="application/json",
    )
    assert other_day.status_code == 201
    with schema_context(school_a.schema_name):
        assert ek.audited("control_work.save", ControlWork, first.json()["id"])
    # a change of the first work to its own day is no clash with itself
    moved = deputy.put(
        f"/api/v1/control-works/{first.json()['id']}/",
        _work(school_class, maths, lesson_number=2),
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["lesson_number"] == 2


def test_a_control_work_outside_the_academic_year_is_refused(school_a, five_a):
    school_class, maths, _ = five_a
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    response = deputy.post(
        "/api/v1/control-works/",
        _work(school_class, maths, day="2027-09-02"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "2026/2027" in response.json()["fields"]["date"][0]
    # a class or a group: exactly one of them
    neither = deputy.post(
        "/api/v1/control-works/",
        {**_work(school_class, maths), "school_class": None},
        content_type="application/json",
    )
    assert neither.status_code == 400
    assert neither.json()["fields"]["class"] == ["Укажите класс или группу."]


def test_control_works_filter_by_class_and_dates_and_delete_is_audited(school_a, five_a):
    school_class, maths, _ = five_a
    with schema_context(school_a.schema_name):
        six = kit.school_class(grade=6)
        for unit, day in ((school_class, date(2026, 12, 1)), (six, date(2026, 12, 20))):
            services.control_work_save(
                ctx=kit.CTX,
                caller=ek.ADMIN,
                data=services.ControlWorkInput(
                    subject=maths, date=day, form="vpr", school_class=unit
                ),
            )
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)  # every staff member reads
    listed = teacher.get(f"/api/v1/control-works/?class={six.pk}")
    assert [w["unit"] for w in listed.json()] == ["6А"]
    in_range = teacher.get("/api/v1/control-works/?from=2026-11-30&to=2026-12-05").json()
    assert [w["unit"] for w in in_range] == ["5А"]
    assert teacher.get("/api/v1/control-works/?from=tomorrow").status_code == 400
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    pk = in_range[0]["id"]
    assert deputy.delete(f"/api/v1/control-works/{pk}/").status_code == 204
    with schema_context(school_a.schema_name):
        assert not ControlWork.objects.filter(pk=pk).exists()
        assert ek.audited("control_work.delete", ControlWork, pk)


# --- events (TTB-11)


@pytest.fixture
def leads(school_a):
    """5А led by Классная; 5Б led by someone else."""
    with schema_context(school_a.schema_name):
        lead, lead_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        other, _ = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Другая")
        own = kit.school_class(teacher=lead)
        foreign = kit.school_class(letter="Б", teacher=other)
    return ek.client_for(school_a, lead_user), own, foreign


def _event(school_class=None, **extra):
    return {
        "level": "class" if school_class else "school",
        "school_class": school_class.pk if school_class else None,
        "date": "2026-12-15",
        "title": "Поездка в музей",
        **extra,
    }


def test_a_class_teacher_adds_events_of_their_own_class_only(school_a, leads):
    lead, own, foreign = leads
    # when the class teacher adds an event of their class
    created = lead.post("/api/v1/events/", _event(own), content_type="application/json")
    # then it is saved with its author and audited
    assert created.status_code == 201, created.json()
    assert created.json()["class_name"] == "5А" and created.json()["created_by"] is not None
    with schema_context(school_a.schema_name):
        assert ek.audited("event.save", Event, created.json()["id"])
    # but not for another class, nor a school event
    assert (
        lead.post("/api/v1/events/", _event(foreign), content_type="application/json").status_code
        == 403
    )
    assert lead.post("/api/v1/events/", _event(), content_type="application/json").status_code == (
        403
    )
    # nor moves their event to another class
    moved = lead.put(
        f"/api/v1/events/{created.json()['id']}/",
        _event(foreign),
        content_type="application/json",
    )
    assert moved.status_code == 403


def test_the_administration_writes_school_and_any_class_events(school_a, leads):
    lead, _, foreign = leads
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    school_event = deputy.post(
        "/api/v1/events/",
        _event(end_date="2026-12-17", start_time="10:00", place="Актовый зал"),
        content_type="application/json",
    )
    assert school_event.status_code == 201, school_event.json()
    foreign_event = deputy.post("/api/v1/events/", _event(foreign), content_type="application/json")
    assert foreign_event.status_code == 201
    # the class teacher of 5А may neither change nor delete them
    pk = foreign_event.json()["id"]
    assert lead.delete(f"/api/v1/events/{pk}/").status_code == 403
    assert (
        lead.put(
            f"/api/v1/events/{pk}/", _event(foreign), content_type="application/json"
        ).status_code
        == 403
    )
    # a school event needs no class, a class event needs one
    bad = deputy.post(
        "/api/v1/events/", {**_event(), "level": "class"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "school_class" in bad.json()["fields"]
    backwards = deputy.post(
        "/api/v1/events/", _event(end_date="2026-12-01"), content_type="application/json"
    )
    assert backwards.status_code == 400 and "end_date" in backwards.json()["fields"]
    # an event lasting several days is listed while it lasts
    listed = lead.get("/api/v1/events/?from=2026-12-16&to=2026-12-31").json()
    assert [e["id"] for e in listed] == [school_event.json()["id"]]
    assert deputy.delete(f"/api/v1/events/{pk}/").status_code == 204
    with schema_context(school_a.schema_name):
        assert ek.audited("event.delete", Event, pk)


def test_event_writes_refuse_a_wrong_caller_in_the_service(school_a):
    with schema_context(school_a.schema_name):
        # given the class teacher of 5А, their class's event and a school event
        lead, lead_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        own = kit.school_class(teacher=lead)
        foreign = kit.school_class(letter="Б")
        caller = ek.caller(SchoolRole.CLASS_TEACHER, lead_user)

        def event(school_class=None, title="Поездка в музей"):
            return services.EventInput(
                level="class" if school_class else "school",
                school_class=school_class,
                date=date(2026, 12, 15),
                title=title,
            )

        mine = services.event_save(ctx=kit.CTX, caller=caller, data=event(own))
        assert mine.created_by == lead.pk
        school_event = services.event_save(ctx=kit.CTX, caller=ek.ADMIN, data=event())
        audited = AuditRecord.objects.count()
        # when the class teacher writes another class's or the school's events, each is refused
        for data in (event(foreign), event()):
            with pytest.raises(PermissionDenied):
                services.event_save(ctx=kit.CTX, caller=caller, data=data)
        with pytest.raises(PermissionDenied):  # nor moves their own to another class
            services.event_save(ctx=kit.CTX, caller=caller, data=event(foreign), event=mine)
        with pytest.raises(PermissionDenied):  # nor changes the school's into their class's
            services.event_save(ctx=kit.CTX, caller=caller, data=event(own), event=school_event)
        with pytest.raises(PermissionDenied):
            services.event_delete(ctx=kit.CTX, caller=caller, event=school_event)
        # then nothing was written
        assert AuditRecord.objects.count() == audited
        assert Event.objects.count() == 2


# --- lists do not grow in queries


def _same_queries(client, path, add_rows):
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(path).json()) == 1
    add_rows()
    client.get(path)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(path).json()) == 5
    assert len(many) == len(few)


def test_control_work_list_runs_the_same_queries_for_any_length(school_a, five_a):
    school_class, maths, _ = five_a
    days = (date(2026, 12, 1) + timedelta(days=i) for i in range(5))

    def add(n):
        with schema_context(school_a.schema_name):
            for _ in range(n):
                services.control_work_save(
                    ctx=kit.CTX,
                    caller=ek.ADMIN,
                    data=services.ControlWorkInput(
                        subject=maths, date=next(days), form="test", school_class=school_class
                    ),
                )

    add(1)
    client = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    _same_queries(client, f"/api/v1/control-works/?class={school_class.pk}", lambda: add(4))


def test_event_list_runs_the_same_queries_for_any_length(school_a, leads):
    _, own, foreign = leads

    def add(n):
        with schema_context(school_a.schema_name):
            for i in range(n):
                services.event_save(
                    ctx=kit.CTX,
                    caller=ek.ADMIN,
                    data=services.EventInput(
                        level="class",
                        school_class=(own, foreign)[i % 2],
                        date=date(2026, 12, 1 + i),
                        title=f"Классный час {i}",
                    ),
                )

    add(1)
    client = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    _same_queries(client, "/api/v1/events/?from=2026-12-01&to=2026-12-31", lambda: add(4))


def test_exam_choice_list_runs_the_same_queries_for_any_length(school_a):
    with schema_context(school_a.schema_name):
        lead, lead_user = ek.account(school_a, SchoolRole.CLASS_TEACHER, "Девятова")
        nine = kit.school_class(grade=9, teacher=lead)
        year = nine.year
        codes = ["mathematics", "russian", "physics", "chemistry", "biology"]
        names = ["Антонов", "Борисов", "Васильев", "Григорьев", "Дмитриев"]
        students = [kit.enrol(nine, name, birth=date(2011, 3, 1)) for name in names]

    def add(rows):
        with schema_context(school_a.schema_name):
            for student, code in rows:
                services.exam_choice_save(
                    ctx=kit.CTX,
                    caller=ek.ADMIN,
                    data=services.ExamChoiceInput(
                        student=student, year=year, kind="oge", subject=ek.subject(code)
                    ),
                )

    add([(students[0], codes[0])])
    client = ek.client_for(school_a, lead_user)  # the class teacher's narrowing is the costlier
    _same_queries(
        client,
        f"/api/v1/exam-choices/?class={nine.pk}",
        lambda: add(zip(students[1:], codes[1:], strict=True)),
    )
    with schema_context(school_a.schema_name):
        assert ExamChoice.objects.count() == 5
