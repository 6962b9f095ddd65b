"""Subjects (federal catalogue, school component), rooms, grading assignments (CFG-13, CFG-06)."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.configuration import catalogue, selectors, services
from tenants.configuration.models import GradingSystem, Subject
from tests.factories import school_client

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")


def test_the_catalogue_covers_the_core_federal_subjects():
    names = {s.name for s in catalogue.SUBJECTS}
    assert {"Русский язык", "Математика", "Алгебра", "Физика", "Физическая культура"} <= names
    assert len(catalogue.BY_CODE) == len(catalogue.SUBJECTS)
    assert all(1 <= s.grades[0] <= s.grades[1] <= 11 for s in catalogue.SUBJECTS)


def test_adding_from_the_catalogue_is_idempotent_and_all_or_nothing(school_a):
    with schema_context(school_a.schema_name):
        added = services.subjects_add_from_catalogue(ctx=CTX, codes=["russian", "mathematics"])
        assert {s.kind for s in added} == {"federal"}
        again = services.subjects_add_from_catalogue(ctx=CTX, codes=["russian", "physics"])
        assert [s.federal_code for s in again] == ["physics"]
        with pytest.raises(ValidationError):
            services.subjects_add_from_catalogue(ctx=CTX, codes=["chemistry", "astrology"])
        assert not Subject.objects.filter(federal_code="chemistry").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (services.SubjectInput("Шахматы", "federal", federal_code="chess"), "federal_code"),
        (services.SubjectInput("Шахматы", "school", federal_code="russian"), "federal_code"),
        (services.SubjectInput("математика", "school"), "name"),
    ],
)
def test_subject_rules(school_a, data, field):
    with schema_context(school_a.schema_name):
        services.subjects_add_from_catalogue(ctx=CTX, codes=["mathematics"])
        with pytest.raises(ValidationError) as error:
            services.subject_save(ctx=CTX, data=data)
        assert field in error.value.message_dict


def test_the_most_specific_grading_assignment_wins(school_a):
    with schema_context(school_a.schema_name):
        five = GradingSystem.objects.get(kind="five_point")
        ten = GradingSystem.objects.get(kind="ten_point")
        no_marks = GradingSystem.objects.get(kind="no_marks")
        pass_fail = GradingSystem.objects.get(kind="pass_fail")
        music = services.subject_save(ctx=CTX, data=services.SubjectInput("Хор", "school"))
        maths = services.subjects_add_from_catalogue(ctx=CTX, codes=["mathematics"])[0]
        services.grading_assignment_save(
            ctx=CTX, system=no_marks, subject=None, grade_from=1, grade_to=1
        )
        services.grading_assignment_save(
            ctx=CTX, system=ten, subject=maths, grade_from=5, grade_to=11
        )
        services.grading_assignment_save(
            ctx=CTX, system=pass_fail, subject=music, grade_from=1, grade_to=11
        )
        assert selectors.grading_system_for(subject=maths, grade=1) == no_marks
        assert selectors.grading_system_for(subject=maths, grade=7) == ten
        assert selectors.grading_system_for(subject=music, grade=1) == pass_fail
        assert selectors.grading_system_for(subject=None, grade=7) == five
        with pytest.raises(ValidationError) as overlap:
            services.grading_assignment_save(
                ctx=CTX, system=five, subject=maths, grade_from=9, grade_to=9
            )
        assert "grade_from" in overlap.value.message_dict


def test_rooms_have_unique_numbers(school_a):
    with schema_context(school_a.schema_name):
        services.room_save(ctx=CTX, number="101", name="Кабинет физики", kind="laboratory")
        with pytest.raises(ValidationError) as error:
            services.room_save(ctx=CTX, number=" 101 ")
        assert "number" in error.value.message_dict


def test_subjects_rooms_assignments_api(school_a):
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    catalogue_rows = client.get("/api/v1/subjects/catalogue/").json()
    assert not any(row["added"] for row in catalogue_rows)
    added = client.post(
        "/api/v1/subjects/from-catalogue/",
        {"codes": ["russian", "mathematics"]},
        content_type="application/json",
    )
    assert added.status_code == 201 and len(added.json()) == 2
    unknown = client.post(
        "/api/v1/subjects/from-catalogue/", {"codes": ["x"]}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "codes" in unknown.json()["fields"]
    own = client.post(
        "/api/v1/subjects/",
        {"name": "Робототехника", "kind": "school"},
        content_type="application/json",
    )
    assert own.status_code == 201, own.json()
    room = client.post(
        "/api/v1/rooms/", {"number": "204", "capacity": 30}, content_type="application/json"
    )
    assert room.status_code == 201 and room.json()["kind"] == "classroom"
    assert (
        client.post(
            "/api/v1/rooms/", {"number": "204"}, content_type="application/json"
        ).status_code
        == 400
    )
    systems = {s["kind"]: s["id"] for s in client.get("/api/v1/grading-systems/").json()}
    assignment = client.post(
        "/api/v1/grading-assignments/",
        {"system": systems["pass_fail"], "subject": own.json()["id"]},
        content_type="application/json",
    )
    assert assignment.status_code == 201, assignment.json()
    resolved = client.get(
        f"/api/v1/grading-assignments/resolve/?grade=5&subject={own.json()['id']}"
    )
    assert resolved.status_code == 200 and resolved.json()["kind"] == "pass_fail"
    assert client.get("/api/v1/grading-assignments/resolve/?grade=12").status_code == 400
    assert client.get("/api/v1/grading-assignments/resolve/?grade=5&subject=999").status_code == 400
    deleted = client.delete(f"/api/v1/grading-assignments/{assignment.json()['id']}/")
    assert deleted.status_code == 204
    resolved = client.get(
        f"/api/v1/grading-assignments/resolve/?grade=5&subject={own.json()['id']}"
    )
    assert resolved.json()["kind"] == "five_point"


def test_a_class_assignment_beats_the_grade_range(school_a):
    from tests.tenants.people import kit

    with schema_context(school_a.schema_name):
        ten = GradingSystem.objects.get(kind="ten_point")
        pass_fail = GradingSystem.objects.get(kind="pass_fail")
        hundred = GradingSystem.objects.get(kind="hundred_point")
        maths = services.subjects_add_from_catalogue(ctx=CTX, codes=["mathematics"])[0]
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        services.grading_assignment_save(
            ctx=CTX, system=ten, subject=None, grade_from=5, grade_to=9
        )
        services.grading_assignment_save(
            ctx=CTX, system=pass_fail, subject=None, grade_from=1, grade_to=1, school_class=five_a
        )
        services.grading_assignment_save(
            ctx=CTX, system=hundred, subject=maths, grade_from=1, grade_to=1, school_class=five_a
        )
        assert selectors.grading_system_for(subject=maths, grade=5, school_class=five_a) == hundred
        assert selectors.grading_system_for(subject=None, grade=5, school_class=five_a) == pass_fail
        assert selectors.grading_system_for(subject=maths, grade=5, school_class=five_b) == ten
        with pytest.raises(ValidationError):
            services.grading_assignment_save(
                ctx=CTX, system=ten, subject=None, grade_from=1, grade_to=1, school_class=five_a
            )
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    resolved = client.get(f"/api/v1/grading-assignments/resolve/?grade=5&class={five_a.pk}")
    assert resolved.status_code == 200 and resolved.json()["kind"] == "pass_fail"
    assert client.get("/api/v1/grading-assignments/resolve/?grade=5&class=x").status_code == 400
