"""Who sees whom (PPL-03, PPL-04, PDN-03, PDN-06) through the API, and the refusals every
people endpoint owes: families, another school's staff, anonymous callers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.people import services
from tenants.people.api.urls import router
from tenants.people.models import PersonalDataAccess
from tests.factories import school_client, school_user
from tests.routes import router_routes
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def _client_for(school, user):
    client = school_client(school)
    client.force_login(user)
    return client


@pytest.fixture
def scene(school_a):
    """5А led by the class teacher, 5Б where the subject teacher teaches maths; one pupil each."""
    with schema_context(school_a.schema_name):
        lead, lead_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        subj, subj_user = kit.teacher_account(school_a, SchoolRole.SUBJECT_TEACHER, "Предметник")
        five_a = kit.school_class(teacher=lead)
        five_b = kit.school_class(letter="Б")
        kit.teach(subj, five_b)
        alice = kit.enrol(five_a, "Алисова", "Алиса")
        boris = kit.enrol(five_b, "Борисов", "Борис")
    return {
        "lead": _client_for(school_a, lead_user),
        "subject": _client_for(school_a, subj_user),
        "alice": alice,
        "boris": boris,
        "five_a": five_a,
        "five_b": five_b,
    }


def test_a_teacher_cannot_read_a_student_they_do_not_teach(school_a, scene):
    subject = scene["subject"]
    names = [s["last_name"] for s in subject.get("/api/v1/students/").json()]
    assert names == ["Борисов"]
    assert subject.get(f"/api/v1/students/{scene['boris'].pk}/").status_code == 200
    assert subject.get(f"/api/v1/students/{scene['alice'].pk}/").status_code == 404
    assert subject.get(f"/api/v1/classes/{scene['five_a'].pk}/students/").json() == []


def test_a_class_teacher_sees_and_edits_their_class_only(school_a, scene):
    lead = scene["lead"]
    assert [s["last_name"] for s in lead.get("/api/v1/students/").json()] == ["Алисова"]
    body = {"last_name": "Алисова", "first_name": "Алиса", "birth_date": "2015-03-01"}
    own = lead.put(f"/api/v1/students/{scene['alice'].pk}/", body, content_type="application/json")
    assert own.status_code == 200
    other = lead.put(
        f"/api/v1/students/{scene['boris'].pk}/", body, content_type="application/json"
    )
    assert other.status_code == 404  # not even visible
    guardian = lead.post(
        f"/api/v1/students/{scene['alice'].pk}/guardians/",
        {
            "relation": "mother",
            "last_name": "Алисова",
            "first_name": "Мария",
            "phone": "+79140000001",
        },
        content_type="application/json",
    )
    assert guardian.status_code == 201, guardian.json()
    assert [g["first_name"] for g in lead.get("/api/v1/guardians/").json()] == ["Мария"]
    # enrolling and moving students is the administration's
    assert (
        lead.post(
            f"/api/v1/students/{scene['alice'].pk}/leave/",
            {
                "kind": "withdrawal",
                "date": "2026-12-01",
                "order_number": "1",
                "order_date": "2026-12-01",
            },
            content_type="application/json",
        ).status_code
        == 403
    )


def test_a_subject_teacher_edits_nobody(school_a, scene):
    body = {"last_name": "Борисов", "first_name": "Борис", "birth_date": "2015-03-01"}
    response = scene["subject"].put(
        f"/api/v1/students/{scene['boris'].pk}/", body, content_type="application/json"
    )
    assert response.status_code == 403
    assert scene["subject"].get("/api/v1/guardians/").status_code == 403
    assert scene["subject"].get("/api/v1/staff/").status_code == 403


def test_the_administration_sees_everyone_and_list_views_are_logged(school_a, scene):
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    assert len(admin.get("/api/v1/students/").json()) == 2
    with schema_context(school_a.schema_name):
        entry = PersonalDataAccess.objects.filter(what="students.list").latest("at")
        assert entry.count == 2 and entry.actor_role == "school_admin"


def test_the_student_list_runs_the_same_queries_for_any_length(school_a, scene):
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    admin.get("/api/v1/students/")
    with CaptureQueriesContext(connection) as few:
        admin.get("/api/v1/students/")
    with schema_context(school_a.schema_name):
        for i in range(10):
            student = kit.enrol(scene["five_a"], f"Новиков{'а' * i}")
            services.guardian_link(
                ctx=kit.CTX,
                student=student,
                relation="father",
                data=services.GuardianInput(
                    services.Names("Новиков", "Пётр"), phone="+79140000002"
                ),
            )
    admin.get("/api/v1/students/")
    with CaptureQueriesContext(connection) as many:
        assert len(admin.get("/api/v1/students/").json()) == 12
    assert len(many) == len(few)


def test_enrol_transfer_leave_through_the_api(school_a, scene):
    admin = school_client(school_a, SchoolRole.DEPUTY)
    created = admin.post(
        "/api/v1/students/",
        {
            "last_name": "Васильев",
            "first_name": "Василий",
            "birth_date": "2015-06-01",
            "school_class": scene["five_a"].pk,
            "date": "2026-11-23",
            "order_number": "77-у",
            "order_date": "2026-11-20",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["school_class"] == "5А"
    pk = created.json()["id"]
    moved = admin.post(
        f"/api/v1/students/{pk}/transfer/",
        {
            "to_class": scene["five_b"].pk,
            "date": "2026-12-01",
            "order_number": "80-у",
            "order_date": "2026-11-30",
        },
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["to_class"] == "5Б"
    left = admin.post(
        f"/api/v1/students/{pk}/leave/",
        {
            "kind": "transfer_out",
            "date": "2026-12-20",
            "order_number": "90-у",
            "order_date": "2026-12-19",
        },
        content_type="application/json",
    )
    assert left.status_code == 400 and "destination" in left.json()["fields"]
    bad = admin.post("/api/v1/students/", {"last_name": "X"}, content_type="application/json")
    assert bad.status_code == 400 and {"first_name", "birth_date"} <= set(bad.json()["fields"])
    movements = admin.get("/api/v1/movements/").json()
    assert [m["kind"] for m in movements][:2] == ["class_transfer", "enrolment"]


# --- every people endpoint: families, another school's staff and anonymous callers are refused --


ROUTES = router_routes(router)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_families_other_schools_and_anonymous_are_refused(school_a, school_b, method, path):
    def call(client):
        return getattr(client, method)(path, {}, content_type="application/json").status_code

    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert call(school_client(school_a, role)) == 403, role
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert call(other) == 403
    assert call(school_client(school_a)) in (401, 403)


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] != "get"])
def test_a_subject_teacher_changes_nothing(school_a, method, path):
    client = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    response = getattr(client, method)(path, {}, content_type="application/json")
    assert response.status_code in (403, 404)  # 404: the object is not even visible


def test_every_route_is_covered():
    paths = {p for _, p in ROUTES}
    assert "/api/v1/students/1/guardians/" in paths and "/api/v1/movements/promote/" in paths
