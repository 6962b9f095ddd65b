"""The journal API: refusals on every route (wrong role, wrong school, wrong teacher), the grid in
a constant number of queries whatever the class size, and the bulk save through HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration.models import Period, WorkType
from tenants.journal import services
from tenants.journal.api.urls import router
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.factories import school_client
from tests.routes import assert_outsiders_refused, call_route, router_routes
from tests.tenants.people import kit
from tests.tenants.timetable.test_lessons import _entry, _school

pytestmark = pytest.mark.django_db
ROUTES = router_routes(router)
NAMES = ["Алексеев", "Борисов", "Васильев", "Григорьев", "Дмитриев", "Егоров", "Жуков", "Зайцев",
         "Ильин", "Козлов", "Лебедев", "Морозов", "Новиков", "Орлов", "Павлов", "Романов",
         "Соколов", "Тарасов", "Уткин", "Фёдоров", "Харитонов", "Цветков", "Чернов", "Шилов",
         "Щукин", "Юдин", "Яковлев", "Абрамов", "Белов", "Волков"]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_refusals(school_a, school_b, method, path):
    assert_outsiders_refused(school_a, school_b, method, path)
    # the school admin neither reads nor writes journals; the director never writes them
    if "absence-codes" not in path:  # a setting: every staff member reads the codes
        assert call_route(school_client(school_a, SchoolRole.SCHOOL_ADMIN), method, path) == 403
    if "absence-codes" in path and method != "get":  # a school setting
        teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
        assert call_route(teacher, method, path) == 403
    elif path.endswith(("/approve/", "/reject/", "/invalidations/")):  # the administration's
        teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
        assert call_route(teacher, method, path) == 403
    elif method != "get" and "/exam-results/" not in path:  # teachers and the administration
        assert call_route(school_client(school_a, SchoolRole.DIRECTOR), method, path) == 403


def _setup(school, pupils=3):
    with schema_context(school.schema_name):
        year, _, five_a = _school()
        teacher, user = kit.teacher_account(school, last_name="Журналова")
        kit.teach(teacher, five_a)
        _entry(teacher, five_a, 1)
        lessons_make(ctx=kit.CTX, year=year)
        students = [kit.enrol(five_a, name) for name in NAMES[:pupils]]
        lessons = list(Lesson.objects.filter(school_class=five_a).order_by("date")[:3])
        tasks = [
            services.task_add(
                ctx=kit.CTX, lesson=lesson, work_type=WorkType.objects.get(code="oral"),
                author=teacher,
            )
            for lesson in lessons
        ]  # fmt: skip
        period = Period.objects.get(name="1 четверть")
        subject = kit.maths()
    client = school_client(school)
    client.force_login(user)
    url = f"/api/v1/journal/grid/?class={five_a.pk}&subject={subject.pk}&period={period.pk}"
    return {"teacher": teacher, "class": five_a, "students": students, "lessons": lessons,
            "tasks": tasks, "client": client, "url": url}  # fmt: skip


def test_the_grid_and_a_save_through_http(school_a):
    s = _setup(school_a)
    a, b, c = s["students"]
    body = {
        "marks": [
            {"task": s["tasks"][0].pk, "student": a.pk, "value": "5"},
            {"task": s["tasks"][1].pk, "student": a.pk, "value": "4"},
            {"task": s["tasks"][0].pk, "student": b.pk, "value": "3"},
        ],
        "attendance": [{"lesson": s["lessons"][2].pk, "student": c.pk, "code": "Б"}],
        "topics": [{"lesson": s["lessons"][0].pk, "topic": "Натуральные числа"}],
    }
    saved = s["client"].post("/api/v1/journal/save/", body, content_type="application/json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["saved"] == 5 and saved.json()["conflicts"] == []
    grid = s["client"].get(s["url"]).json()
    assert [x["name"] for x in grid["students"]] == [
        "Алексеев И.С.",
        "Борисов И.С.",
        "Васильев И.С.",
    ]
    assert grid["lessons"][0]["topic"] == "Натуральные числа"
    averages = {x["student"]: x for x in grid["averages"]}
    assert averages[a.pk]["average"] == "4.50" and averages[a.pk]["predicted"] == "5"
    assert averages[c.pk]["average"] is None
    assert {(x["student"], x["code"]) for x in grid["attendance"]} == {(c.pk, "Б")}
    # a bad cell: 400, named, nothing written
    bad = s["client"].post(
        "/api/v1/journal/save/",
        {"marks": [{"task": s["tasks"][2].pk, "student": a.pk, "value": "6"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "marks[0].value" in bad.json()["fields"]
    # a stale version: reported back with what is stored
    stale = s["client"].post(
        "/api/v1/journal/save/",
        {"marks": [{"task": s["tasks"][0].pk, "student": a.pk, "value": "2", "version": 7}]},
        content_type="application/json",
    )
    assert stale.status_code == 200
    assert stale.json()["conflicts"][0]["current"]["value"] == "5"


def test_tasks_need_a_work_type_and_the_lessons_teacher(school_a):
    s = _setup(school_a)
    lesson = s["lessons"][0].pk
    no_type = s["client"].post("/api/v1/journal/tasks/", {"lesson": lesson}, "application/json")
    assert no_type.status_code == 400 and "work_type" in no_type.json()["fields"]
    with schema_context(school_a.schema_name):
        written = WorkType.objects.get(code="written").pk
    body = {"lesson": lesson, "work_type": written, "title": "Самостоятельная"}
    other = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    with schema_context(school_a.schema_name):
        kit.teacher_account(school_a, last_name="Другая")  # a staff record for someone else
    assert other.post("/api/v1/journal/tasks/", body, "application/json").status_code == 403
    made = s["client"].post("/api/v1/journal/tasks/", body, "application/json")
    assert made.status_code == 201 and made.json()["work_type"] == written


def test_who_reads_the_grid(school_a):
    s = _setup(school_a)
    assert school_client(school_a, SchoolRole.DIRECTOR).get(s["url"]).status_code == 200
    assert school_client(school_a, SchoolRole.DEPUTY).get(s["url"]).status_code == 200
    stranger = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert stranger.get(s["url"]).status_code == 403  # teaches nothing here
    with schema_context(school_a.schema_name):
        lead, user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        s["class"].class_teacher = lead
        s["class"].save(update_fields=["class_teacher"])
    class_teacher = school_client(school_a)
    class_teacher.force_login(user)
    assert class_teacher.get(s["url"]).status_code == 200  # reads every subject of the class
    assert (
        class_teacher.post("/api/v1/journal/save/", {"marks": []}, "application/json").status_code
        == 403
    )  # and writes none (no journal:write)
    assert s["client"].get(s["url"].replace("period=", "period=x")).status_code == 400


def test_the_grid_runs_the_same_queries_for_any_class_size(school_a):
    s = _setup(school_a, pupils=3)
    s["client"].get(s["url"])
    with CaptureQueriesContext(connection) as few:
        assert len(s["client"].get(s["url"]).json()["students"]) == 3
    with schema_context(school_a.schema_name):
        more = [kit.enrol(s["class"], name) for name in NAMES[3:30]]
        services.journal_save(
            ctx=kit.CTX,
            author=s["teacher"],
            marks=[services.MarkChange(t.pk, p.pk, "4") for t in s["tasks"] for p in more],
            attendance=[services.AttendanceChange(s["lessons"][0].pk, p.pk, "Н") for p in more],
        )
    s["client"].get(s["url"])
    with CaptureQueriesContext(connection) as many:
        grid = s["client"].get(s["url"]).json()
    assert len(grid["students"]) == 30 and len(grid["marks"]) == 81
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


def test_the_school_edits_its_absence_codes(school_a):
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    codes = admin.get("/api/v1/absence-codes/").json()
    assert [c["code"] for c in codes] == ["Н", "Б", "УП", "НП", "ОП"]
    made = admin.post(
        "/api/v1/absence-codes/",
        {"code": "со", "label": "соревнования", "allows_makeup": True},
        "application/json",
    )
    assert made.status_code == 201 and made.json()["code"] == "СО"
    again = admin.post("/api/v1/absence-codes/", {"code": "СО", "label": "x"}, "application/json")
    assert again.status_code == 400 and "code" in again.json()["fields"]
    retired = admin.put(
        f"/api/v1/absence-codes/{made.json()['id']}/",
        {"code": "СО", "label": "спортивные соревнования", "is_active": False},
        "application/json",
    )
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    with schema_context(school_a.schema_name):
        from tenants.audit.models import AuditRecord

        assert AuditRecord.objects.filter(action="journal.absence_code_save").count() == 2
