"""Paper extracts: who may see and do what (by role, class and school), and bad input."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.diary.models import PaperChoice, PaperExtract
from tests.factories import region_client, school_client, school_user
from tests.tenants.diary.diary_kit import family, student_account
from tests.tenants.diary.test_paper import API, JSON, guardian_of, paper_class, signed_in
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def _calls(student_id: int, class_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"{API}/children/", {}),
        ("get", f"{API}/children/{student_id}/", {}),
        ("put", f"{API}/children/{student_id}/", {"method": "via_student"}),
        ("post", f"{API}/children/{student_id}/extract/", {"kind": "week"}),
        ("get", f"{API}/classes/", {}),
        ("post", f"{API}/classes/{class_id}/extract/", {"kind": "week"}),
        ("get", f"{API}/extracts/", {}),
    ]


def _status(client, method: str, path: str, body: dict) -> int:
    if method == "get":
        return client.get(path).status_code
    return getattr(client, method)(path, body, content_type=JSON).status_code


def test_rights_by_role(school_a, django_capture_on_commit_callbacks, s3_storage):
    # given
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    calls = _calls(borisov.pk, p.t.school_class.pk)
    # then: the director, a deputy and the class teacher do everything
    for client in (
        school_client(school_a, SchoolRole.DIRECTOR),
        school_client(school_a, SchoolRole.DEPUTY),
        signed_in(school_a, p.lead),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [_status(client, *call) for call in calls]
        assert answers == [200, 200, 200, 200, 200, 202, 200]
    # the school's administration sees the list and records choices, but prints nothing
    for role in (SchoolRole.SCHOOL_ADMIN, SchoolRole.RECORDS_CLERK):
        admin = school_client(school_a, role)
        assert [_status(admin, *call) for call in calls] == [200, 200, 200, 403, 200, 403, 200]
    # subject teachers and families: nothing
    guardian = family(school_a, [p.student("Алексеев")])
    pupil = student_account(school_a, borisov)
    for client in (
        school_client(school_a, SchoolRole.SUBJECT_TEACHER),
        signed_in(school_a, guardian),
        signed_in(school_a, pupil),
    ):
        assert {_status(client, *call) for call in calls} == {403}
    assert {_status(school_client(school_a), *call) for call in calls} <= {401, 403}
    # the same paths on the region's host do not exist
    assert region_client(guardian).get(f"{API}/children/").status_code == 404
    # a class teacher without a class is refused
    lone = school_client(school_a, SchoolRole.CLASS_TEACHER)
    assert lone.get(f"{API}/children/").status_code == 403
    assert lone.get("/diary/paper/").status_code == 403


def test_another_class_teacher_sees_nothing_of_this_class(school_a):
    # given: 6А's class teacher, with a child on paper of their own
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    with schema_context(school_a.schema_name):
        six = kit.school_class(grade=6)
        other_lead, other_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Шестая")
        six.class_teacher = other_lead
        six.save(update_fields=["class_teacher"])
        own = kit.enrol(six, "Шестаков")
        guardian_of(own, decision="refusal")
    client = signed_in(school_a, other_user)
    # when
    listed = client.get(f"{API}/children/").json()
    # then
    assert [r["student"]["name"] for r in listed] == ["Шестаков Иван Сергеевич"]
    assert [c["name"] for c in client.get(f"{API}/classes/").json()] == ["6А"]
    for method, path, body in _calls(borisov.pk, p.t.school_class.pk)[1:]:
        if path.endswith("/classes/") or path.endswith("/extracts/"):
            continue
        assert _status(client, method, path, body) == 404, path
    assert client.get(f"{API}/children/", {"class": p.t.school_class.pk}).status_code == 404
    assert client.get(f"{API}/extracts/", {"student": borisov.pk}).json()["count"] == 0
    assert client.get("/diary/paper/", {"class": p.t.school_class.pk}).status_code == 404
    page = client.post(
        "/diary/paper/extract/", {"student": borisov.pk, "kind": "week"}
    )  # another's child
    assert page.status_code == 404
    with schema_context(school_a.schema_name):
        assert PaperExtract.objects.count() == 0 and PaperChoice.objects.count() == 0


def test_another_schools_staff_are_refused(school_a, school_b):
    # given
    p = paper_class(school_a)
    borisov = p.student("Борисов")
    outsider = school_user(school_b, SchoolRole.DIRECTOR)
    client = signed_in(school_a, outsider)  # on school A's host, a member of B only
    # then
    for call in _calls(borisov.pk, p.t.school_class.pk):
        assert _status(client, *call) == 403, call
    assert client.get("/diary/paper/").status_code == 403
    # and school B's own director sees B's children, none of A's
    other = school_client(school_b, SchoolRole.DIRECTOR)
    assert other.get(f"{API}/children/").json() == []


def test_bad_input_answers_400_with_field_messages_and_writes_nothing(school_a):
    # given
    p = paper_class(school_a)
    borisov, alekseev = p.student("Борисов"), p.student("Алексеев")
    director = school_client(school_a, SchoolRole.DIRECTOR)
    child = f"{API}/children/{borisov.pk}/"
    cases = [
        ("put", child, {"method": "post"}, "address"),  # no address for the post
        ("put", child, {"method": "other"}, "note"),  # "other" needs a note
        ("put", child, {"method": "pigeon"}, "method"),
        ("put", child, {}, "method"),  # paper needs a method
        ("put", child, {"paper": False}, "paper"),  # a refusal keeps the child on paper
        ("put", child, {"method": "via_student", "guardian": 999999}, "guardian"),
        ("put", child, {"method": "via_student", "guardian": p.guardians["Алексеев"].pk},
         "guardian"),  # another child's mother
        ("put", child, {"method": "via_student", "agreed_on": "2999-01-01"}, "agreed_on"),
        ("put", child, {"method": "via_student", "agreed_on": "2026-12-31"}, "agreed_on"),
        ("put", child, {"method": "via_student", "address": "x" * 301}, "address"),
        ("post", f"{child}extract/", {"kind": "year"}, "kind"),
        ("post", f"{child}extract/", {}, "kind"),
        ("post", f"{child}extract/", {"kind": "week", "date": "2026-13-01"}, "date"),
        ("post", f"{child}extract/", {"kind": "week", "date": "9999-12-31"}, "date"),
        ("post", f"{child}extract/", {"kind": "period", "period": 999999}, "period"),
        ("post", f"{API}/children/{alekseev.pk}/extract/", {"kind": "week"}, "student"),
        ("get", f"{API}/children/?class=x", {}, "class"),
        ("get", f"{API}/extracts/?student=x", {}, "student"),
    ]  # fmt: skip
    for method, path, body, field in cases:
        # when
        if method == "get":
            response = director.get(path)
        else:
            response = getattr(director, method)(path, body, content_type=JSON)
        # then
        assert response.status_code == 400, (path, body, response.content)
        assert field in response.json()["fields"], (body, response.json())
    # a class without children on paper
    with schema_context(school_a.schema_name):
        six = kit.school_class(grade=6)
        kit.enrol(six, "Шестаков")
    empty = director.post(f"{API}/classes/{six.pk}/extract/", {"kind": "week"}, content_type=JSON)
    assert empty.status_code == 400 and "class" in empty.json()["fields"]
    assert director.get(f"{API}/children/abc/").status_code == 404
    with schema_context(school_a.schema_name):
        assert PaperChoice.objects.count() == 0 and PaperExtract.objects.count() == 0
    # the page: a clear form error, status 400
    page = director.post(
        "/diary/paper/choice/",
        {"class": p.t.school_class.pk, "pair": f"{borisov.pk}:{p.guardians['Борисов'].pk}",
         "paper": "on", "method": "post"},
    )  # fmt: skip
    assert page.status_code == 400
    assert "Укажите почтовый адрес." in page.content.decode()
    bad = director.post(
        "/diary/paper/extract/",
        {"student": borisov.pk, "school_class": p.t.school_class.pk, "kind": "week",
         "date": "9999-12-31"},
    )  # fmt: skip
    assert bad.status_code == 400 and "Дата вне учебных лет." in bad.content.decode()


@pytest.fixture
def _keep_the_test_connection():
    """A WSGI request closes old connections when it ends; inside a test that would close the
    test's own transaction (as tests/otmetka/api/test_openapi_fuzz.py does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_paper_api_never_fails_on_any_input(school_a, _keep_the_test_connection):
    """The director may call every paper endpoint: whatever the input, no 5xx, the error body."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, given, settings

    from otmetka.accounts.services import api_token_create

    # given
    paper_class(school_a, names=("Борисов", "Васильев"))
    _, token = api_token_create(user=school_user(school_a, SchoolRole.DIRECTOR))
    host = "school-a.localhost"
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers={"Host": host}
    )
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if "/diary/paper/" not in operation.path:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case):
            # when
            response = case.call(headers={"Authorization": f"Token {token}", "Host": host})
            # then
            where = (case.method, case.formatted_path, response.status_code)
            assert response.status_code < 500, (*where, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert "code" in body and "detail" in body, where

        run()
        checked += 1
    assert checked == 10


def test_class_batch_pdfs_are_deleted_after_a_week(school_a):
    # given two finished class batches, one eight days old and one from yesterday
    from datetime import timedelta

    from django.utils import timezone

    from services.storage import get_storage
    from tenants.diary.models import PaperJob
    from tenants.diary.tasks import expire_paper_jobs_task

    p = paper_class(school_a)
    storage = get_storage()
    with schema_context(school_a.schema_name):
        jobs = []
        for age, key in ((8, "old"), (1, "new")):
            file_key = f"schools/{school_a.schema_name}/paper/{key}.pdf"
            storage.put(file_key, b"%PDF-1.4 batch", "application/pdf")
            jobs.append(PaperJob.objects.create(
                school_class=p.t.school_class, kind="week", status="done", file_key=file_key,
                finished_at=timezone.now() - timedelta(days=age), created_by=p.lead.pk,
            ))  # fmt: skip
    # when the beat job runs
    expired = expire_paper_jobs_task()
    # then the old PDF is gone and its job says so; yesterday's stays
    assert expired == {school_a.schema_name: 1}
    with schema_context(school_a.schema_name):
        old, new = (PaperJob.objects.get(pk=j.pk) for j in jobs)
    assert (old.status, old.file_key) == ("expired", "")
    assert not storage.exists(jobs[0].file_key) and storage.exists(new.file_key)
    answer = signed_in(school_a, p.lead).get(f"{API}/jobs/{old.pk}/pdf/")
    assert answer.status_code == 409 and "удалён" in answer.json()["detail"]
