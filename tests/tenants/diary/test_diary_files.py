"""Homework files in the diary: the child's own homework only, through the API and the page."""

from datetime import date

import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.models import User
from otmetka.accounts.roles import SchoolRole
from tenants.people import services
from tenants.timetable.homework import FileInput, HomeworkInput, homework_save
from tests.factories import region_client, school_client, school_user
from tests.tenants.diary.diary_kit import MONDAY, family, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the worksheet"


def _homework(t, *, students=(), name="лист.pdf"):
    with schema_context(t.school.schema_name):
        homework = homework_save(
            ctx=kit.CTX, lesson=t.lessons[0], author=t.teacher,
            data=HomeworkInput(text="Решить лист", for_lesson=t.lessons[1], students=students,
                               files=[FileInput(name, PDF)]),
        )  # fmt: skip
        return homework.files.get().pk


def _get(client, file_id, child):
    return client.get(f"/api/v1/diary/homework-files/{file_id}/", {"child": child})


def test_a_guardian_downloads_a_file_of_their_childs_homework(school_a):
    # given a homework with a file for 5А and a guardian of a pupil of 5А
    t = term(school_a)
    file_id = _homework(t)
    client = region_client(family(school_a, [t.students[0]]))
    key = f"{school_a.slug}.{t.students[0].pk}"
    # when they open the week and follow the file's link
    week = client.get("/api/v1/diary/week/", {"date": MONDAY.isoformat()}).json()
    files = week["children"][0]["days"][2]["lessons"][0]["homework"][0]["files"]
    response = _get(client, files[0]["id"], key)
    page = client.get(f"/diary/file/{file_id}/", {"child": key})
    # then they get the file as it was uploaded, as an attachment
    assert files[0]["id"] == file_id
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert page.status_code == 200 and page.content == PDF
    assert (
        f"/diary/file/{file_id}/?child="
        in client.get("/diary/", {"date": MONDAY.isoformat()}).content.decode()
    )


def test_another_childs_file_is_not_found(school_a, school_b):
    # given an individual homework for the second pupil, and a file in another school
    t, other = term(school_a), term(school_b, names=("Гусев",))
    individual = _homework(t, students=[t.students[1]], name="личное.pdf")
    elsewhere = _homework(other)
    user = family(school_a, [t.students[0]])
    client = region_client(user)
    key = f"{school_a.slug}.{t.students[0].pk}"
    # when the guardian of the first pupil asks for them
    # then each answers 404, like a file that does not exist or a child that is not theirs
    assert _get(client, individual, key).status_code == 404
    assert _get(client, elsewhere, key).status_code == 404
    assert _get(client, elsewhere, f"{school_b.slug}.{other.students[0].pk}").status_code == 404
    assert _get(client, 999999, key).status_code == 404
    assert client.get(f"/diary/file/{individual}/", {"child": key}).status_code == 404
    # and the pupil it was set for gets it through their own guardian
    second = region_client(family(school_a, [t.students[1]]))
    assert _get(second, individual, f"{school_a.slug}.{t.students[1].pk}").status_code == 200


def test_a_pupil_who_joined_the_class_later_does_not_get_earlier_files(school_a):
    # given a homework due on Wednesday, and a pupil enrolled in 5А from the next week
    t = term(school_a)
    file_id = _homework(t)
    with schema_context(school_a.schema_name):
        late = services.student_enrol(
            ctx=kit.CTX, data=services.StudentInput(
                names=services.Names("Поздняков", "Иван", ""), birth_date=date(2015, 3, 1)),
            school_class=t.school_class, date_from=date(2026, 11, 23), order=kit.ORDER,
            today=date(2026, 11, 23),
        )  # fmt: skip
    client = region_client(family(school_a, [late]))
    # when their guardian asks for the file, then it is not theirs
    assert _get(client, file_id, f"{school_a.slug}.{late.pk}").status_code == 404


def test_staff_wrong_role_and_anonymous_are_refused(school_a, client):
    t = term(school_a)
    file_id = _homework(t)
    key = f"{school_a.slug}.{t.students[0].pk}"
    # the homework's own teacher and the director read the journal, not the diary
    teacher = User.objects.get(pk=t.teacher.user_id)
    director = school_user(school_a, SchoolRole.DIRECTOR)
    assert _get(region_client(teacher), file_id, key).status_code == 403
    assert _get(region_client(director), file_id, key).status_code == 403
    assert _get(client, file_id, key).status_code in (401, 403)
    assert region_client().get(f"/diary/file/{file_id}/", {"child": key}).status_code == 302
    # the family route does not exist on a school's host
    school = school_client(school_a, SchoolRole.DIRECTOR)
    assert school.get(f"/api/v1/diary/homework-files/{file_id}/", {"child": key}).status_code == 404
    # a missing child is a field error
    parent = region_client(family(school_a, [t.students[0]]))
    response = parent.get(f"/api/v1/diary/homework-files/{file_id}/")
    assert response.status_code == 400 and "child" in response.json()["fields"]
