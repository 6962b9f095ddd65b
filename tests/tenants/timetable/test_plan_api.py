"""The API of lesson plans, homework and recommendations: refusals on every route (wrong role,
wrong school, anonymous, a teacher of someone else's class), the plan editor's calls, homework
with a file (its content checked), substitution rights on homework, who reads homework and writes
recommendations, and lists with a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.people.models import Teaching
from tenants.timetable import plans, services
from tenants.timetable.api.urls import teacher_router
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.factories import school_client, school_user
from tests.routes import assert_outsiders_refused, call_route, router_routes
from tests.tenants.people import kit
from tests.tenants.timetable import timetable_kit as tk
from tests.tenants.timetable.test_lessons import _school

pytestmark = pytest.mark.django_db
ROUTES = router_routes(teacher_router)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_refusals(school_a, school_b, method, path):
    assert_outsiders_refused(school_a, school_b, method, path)
    assert call_route(school_client(school_b, SchoolRole.STUDENT), method, path) == 403
    if method != "get" and "recommendations" not in path:
        clerk = school_client(school_a, SchoolRole.RECORDS_CLERK)
        assert call_route(clerk, method, path) == 403


def _setup(school):
    """5А maths on Mondays (Ivanova teaches), a pupil, the year's lessons."""
    with schema_context(school.schema_name):
        year, _, five_a = _school()
        teacher, user = kit.teacher_account(school, last_name="Иванова")
        kit.teach(teacher, five_a)
        services.timetable_entry_save(
            ctx=kit.CTX,
            data=services.EntryInput(
                subject=kit.maths(), teacher=teacher, weekday=1, number=1,
                valid_from=date(2026, 9, 1), valid_to=date(2026, 12, 28), school_class=five_a,
            ),
        )  # fmt: skip
        lessons_make(ctx=kit.CTX, year=year)
        pupil = kit.enrol(five_a)
        other, other_user = kit.teacher_account(school, last_name="Чужая")
        lesson = Lesson.objects.filter(school_class=five_a).order_by("date").first()
        subject = kit.maths()
    client = school_client(school)
    client.force_login(user)
    stranger = school_client(school)
    stranger.force_login(other_user)
    return {
        "year": year, "class": five_a, "teacher": teacher, "client": client, "pupil": pupil,
        "other": other, "stranger": stranger, "lesson": lesson, "subject": subject,
    }  # fmt: skip


def test_the_plan_editor_calls(school_a):
    s = _setup(school_a)
    body = {"year": s["year"].pk, "school_class": s["class"].pk, "subject": s["subject"].pk}
    refused = s["stranger"].post("/api/v1/plans/", body, content_type="application/json")
    assert refused.status_code == 403
    no_unit = {**body, "school_class": None}
    neither = s["client"].post("/api/v1/plans/", no_unit, content_type="application/json")
    assert neither.status_code == 400 and "class" in neither.json()["fields"]
    made = s["client"].post("/api/v1/plans/", body, content_type="application/json")
    assert made.status_code == 201, made.json()
    plan = made.json()["id"]
    topics = {"topics": [{"title": "Дроби", "hours": 2}, {"title": "Проценты", "hours": 1}]}
    url = f"/api/v1/plans/{plan}/topics/"
    assert s["stranger"].put(url, topics, content_type="application/json").status_code == 403
    saved = s["client"].put(url, topics, content_type="application/json")
    assert [t["title"] for t in saved.json()["topics"]] == ["Дроби", "Проценты"]
    bad = s["client"].put(url, {"topics": [{"title": "", "hours": 0}]}, "application/json")
    assert bad.status_code == 400 and "topics[0].title" in bad.json()["fields"]
    upload = SimpleUploadedFile("ktp.csv", "Тема;Часов\nУравнения;2\nЗадачи;x\n".encode())
    imported = s["client"].post(f"/api/v1/plans/{plan}/import/", {"file": upload})
    assert imported.status_code == 400 and "Строка 3" in str(imported.json())
    progress = s["client"].get(f"/api/v1/plans/{plan}/progress/?on=2026-09-30")
    assert progress.json()["planned_hours"] == 3 and progress.json()["lessons_due"] == 4
    assert s["client"].get(f"/api/v1/plans/{plan}/progress/?on=x").status_code == 400
    # the deputy may write any plan; the teacher moves a topic onto a lesson
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    by_deputy = deputy.put(url, topics, content_type="application/json")
    assert by_deputy.status_code == 200
    with schema_context(school_a.schema_name):
        third = Lesson.objects.filter(school_class=s["class"]).order_by("date")[2]
    topic = by_deputy.json()["topics"][1]["id"]
    moved = s["client"].post(
        f"/api/v1/plans/{plan}/move-topic/",
        {"lesson": third.pk, "topic": topic},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.json()
    with schema_context(school_a.schema_name):
        third.refresh_from_db()
        assert third.plan_topic_id == topic and third.topic_pinned
    assert s["stranger"].get(f"/api/v1/plans/{plan}/").status_code == 200  # staff read plans


def test_homework_by_the_lessons_teacher_or_substitute(school_a, s3_storage):
    s = _setup(school_a)
    lesson = s["lesson"]
    body = {"lesson": lesson.pk, "text": "№ 5", "files": [SimpleUploadedFile("a.pdf", b"%PDF-1")]}
    assert s["stranger"].post("/api/v1/homework/", body).status_code == 403
    director = school_client(school_a, SchoolRole.DIRECTOR)
    assert director.post("/api/v1/homework/", body).status_code == 403  # reads, never writes
    body["files"] = [SimpleUploadedFile("a.pdf", b"%PDF-1")]
    made = s["client"].post("/api/v1/homework/", body)
    assert made.status_code == 201, made.json()
    assert made.json()["files"][0]["file_name"] == "a.pdf" and made.json()["is_late"]
    listed = director.get(f"/api/v1/homework/?lesson={lesson.pk}")
    assert [h["text"] for h in listed.json()] == ["№ 5"]
    assert s["stranger"].get(f"/api/v1/homework/?lesson={lesson.pk}").json() == []
    assert director.get("/api/v1/homework/").status_code == 400
    # a substitute gets the rights on that lesson
    with schema_context(school_a.schema_name):
        services.substitution_register(
            ctx=kit.CTX, lesson=lesson, substitute=s["other"], reason="болезнь"
        )
    again = s["stranger"].post(
        "/api/v1/homework/", {"lesson": lesson.pk, "text": "Повторить"}, "application/json"
    )
    assert again.status_code == 201


def test_recommendations_by_the_students_teachers(school_a):
    s = _setup(school_a)
    body = {"student": s["pupil"].pk, "text": "Больше читать", "subject": s["subject"].pk}
    assert s["stranger"].post("/api/v1/recommendations/", body, "application/json").status_code in (
        403,
    )
    made = s["client"].post("/api/v1/recommendations/", body, "application/json")
    assert made.status_code == 201, made.json()
    url = f"/api/v1/recommendations/?student={s['pupil'].pk}"
    assert [r["text"] for r in s["client"].get(url).json()] == ["Больше читать"]
    assert s["stranger"].get(url).json() == []
    assert s["client"].get("/api/v1/recommendations/").status_code == 400


def _client_of(school, user):
    client = school_client(school)
    client.force_login(user)
    return client


def test_a_renamed_program_is_refused_as_homework(school_a, s3_storage):
    s = _setup(school_a)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
    body = {"lesson": s["lesson"].pk, "text": "№ 5", "files": [SimpleUploadedFile("a.pdf", exe)]}
    refused = s["client"].post("/api/v1/homework/", body)
    assert refused.status_code == 400
    assert "не PDF" in refused.json()["fields"]["files[0]"][0]


def test_recommendations_are_written_by_teachers_and_the_class_teacher_not_by_people_read(
    school_a,
):
    s = _setup(school_a)
    with schema_context(school_a.schema_name):
        # a deputy who also teaches (people:read and class:read), but not 5А
        user = school_user(school_a, SchoolRole.SUBJECT_TEACHER, SchoolRole.DEPUTY)
        kit.staff("Завучева", user=user)
        # the class teacher of 5А, who does not teach maths there
        lead, lead_user = kit.teacher_account(
            school_a, role=SchoolRole.CLASS_TEACHER, last_name="Классова"
        )
        s["class"].class_teacher = lead
        s["class"].save(update_fields=["class_teacher"])
    body = {"student": s["pupil"].pk, "text": "Больше читать"}
    deputy = _client_of(school_a, user)
    # the deputy sees every student but advises none of them
    assert deputy.get(f"/api/v1/recommendations/?student={s['pupil'].pk}").status_code == 200
    assert deputy.post("/api/v1/recommendations/", body, "application/json").status_code == 403
    lead_client = _client_of(school_a, lead_user)
    made = lead_client.post("/api/v1/recommendations/", body, "application/json")
    assert made.status_code == 201, made.json()


def test_a_teacher_whose_teaching_ended_no_longer_reads_the_class_homework(school_a):
    s = _setup(school_a)
    with schema_context(school_a.schema_name):
        # a co-teacher of maths in 5А (the lessons are Иванова's)
        former, former_user = kit.teacher_account(school_a, last_name="Бывшая")
        kit.teach(former, s["class"])
    lesson = s["lesson"]
    body = {"lesson": lesson.pk, "text": "№ 5"}
    assert s["client"].post("/api/v1/homework/", body, "application/json").status_code == 201
    client = _client_of(school_a, former_user)
    url = f"/api/v1/homework/?lesson={lesson.pk}"
    assert [h["text"] for h in client.get(url).json()] == ["№ 5"]
    # when the teaching ends yesterday
    with schema_context(school_a.schema_name):
        yesterday = timezone.localdate() - timedelta(days=1)
        Teaching.objects.filter(staff=former).update(end=yesterday)
    # then the class's homework is no longer theirs to read
    assert client.get(url).json() == []


def test_lists_run_the_same_queries_for_any_length(school_a):
    s = _setup(school_a)
    director = school_client(school_a, SchoolRole.DIRECTOR)
    with schema_context(school_a.schema_name):
        lessons = list(Lesson.objects.filter(school_class=s["class"]).order_by("date")[:4])
    url = "/api/v1/homework/?class={}&from=2026-09-01&to=2026-09-30".format(s["class"].pk)

    def add(lesson):
        body = {"lesson": lesson.pk, "text": "x", "students": [s["pupil"].pk]}
        assert s["client"].post("/api/v1/homework/", body, "application/json").status_code == 201

    def measured(client, rows):
        client.get(url)  # the schema switch back costs one query once
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).json()) == rows
        return len(queries)

    # the director reads every lesson's; the teacher those they teach (`lessons_readable`)
    add(lessons[0])
    few = {"director": measured(director, 1), "teacher": measured(s["client"], 1)}
    for lesson in lessons[1:4]:  # every Monday of September
        add(lesson)
    assert measured(director, 4) == few["director"]
    assert measured(s["client"], 4) == few["teacher"]


def test_the_plan_list_runs_the_same_queries_for_any_length(school_a):
    s = _setup(school_a)
    director = school_client(school_a, SchoolRole.DIRECTOR)

    def plan(school_class):
        plans.plan_create(
            ctx=kit.CTX, caller=tk.ADMIN, year=s["year"], subject=s["subject"],
            school_class=school_class, author=s["teacher"],
        )  # fmt: skip

    def measured(rows):
        director.get("/api/v1/plans/")
        with CaptureQueriesContext(connection) as queries:
            assert len(director.get("/api/v1/plans/").json()) == rows
        return len(queries)

    with schema_context(school_a.schema_name):
        plan(s["class"])
    few = measured(1)
    with schema_context(school_a.schema_name):
        for letter in "БВГД":
            plan(kit.school_class(letter=letter))
    assert measured(5) == few
