"""Timetable pages: refusals, the grid per class/teacher/room with a fixed number of queries,
editing a cell (a clash is shown with the clash named), the substitutions board and the plan
editor (the subject's teacher edits, a colleague reads)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.timetable import plans, services
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson, TimetableEntry
from tests.factories import school_client, school_user
from tests.tenants.people import kit
from tests.tenants.timetable.test_lessons import _school

pytestmark = pytest.mark.django_db
PAGES = ["/timetable/", "/timetable/substitutions/", "/timetable/plans/"]


@pytest.mark.parametrize("path", [*PAGES, "/timetable/cell/1/1/1/", "/timetable/plans/1/"])
def test_refusals(school_a, school_b, path):
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert school_client(school_a, role).get(path).status_code == 403
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert other.get(path).status_code == 403
    anonymous = school_client(school_a).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    if "cell" in path:  # only the administration edits the timetable
        assert school_client(school_a, SchoolRole.SUBJECT_TEACHER).get(path).status_code == 403


def _week(school):
    with schema_context(school.schema_name):
        year, teacher, five_a = _school()
        services.timetable_entry_save(
            ctx=kit.CTX,
            data=services.EntryInput(
                subject=kit.maths(), teacher=teacher, weekday=2, number=3,
                valid_from=date(2026, 9, 1), valid_to=date(2027, 5, 26), school_class=five_a,
            ),
        )  # fmt: skip
        return year, teacher, five_a


def test_the_grid_for_a_class_a_teacher_and_a_room(school_a):
    _, teacher, five_a = _week(school_a)
    admin = school_client(school_a, SchoolRole.DEPUTY)
    page = admin.get(f"/timetable/?kind=class&id={five_a.pk}")
    html = page.content.decode()
    cell = re.search(r'data-cell="2-3">(.*?)</td>', html, re.S).group(1)
    assert "Мат." in cell and "Датова" in cell
    assert "/timetable/cell/" in html  # the administration may edit
    by_teacher = admin.get(f"/timetable/?kind=teacher&id={teacher.pk}").content.decode()
    assert "5А" in re.search(r'data-cell="2-3">(.*?)</td>', by_teacher, re.S).group(1)
    teacher_view = school_client(school_a, SchoolRole.SUBJECT_TEACHER).get(
        f"/timetable/?kind=class&id={five_a.pk}"
    )
    assert (
        teacher_view.status_code == 200 and "/timetable/cell/" not in teacher_view.content.decode()
    )
    assert admin.get("/timetable/?kind=room").status_code == 200
    assert admin.get("/timetable/?kind=nonsense&id=x").status_code == 200


def test_the_grid_runs_the_same_queries_for_a_full_week(school_a):
    _year, teacher, five_a = _week(school_a)
    admin = school_client(school_a, SchoolRole.DEPUTY)
    url = f"/timetable/?kind=class&id={five_a.pk}"
    admin.get(url)
    with CaptureQueriesContext(connection) as few:
        admin.get(url)
    with schema_context(school_a.schema_name):
        for day in (1, 3, 4, 5):
            for number in (1, 2, 4):
                services.timetable_entry_save(
                    ctx=kit.CTX,
                    data=services.EntryInput(
                        subject=kit.maths(), teacher=teacher, weekday=day, number=number,
                        valid_from=date(2026, 9, 1), valid_to=date(2027, 5, 26),
                        school_class=five_a,
                    ),
                )  # fmt: skip
    admin.get(url)  # the schema switch back costs one query once
    with CaptureQueriesContext(connection) as many:
        admin.get(url)
    assert len(many) == len(few), [q["sql"][:90] for q in many.captured_queries]


def test_editing_a_cell_and_a_clash_named(school_a):
    _, teacher, _five_a = _week(school_a)
    with schema_context(school_a.schema_name):
        five_b = kit.school_class(letter="Б")
        kit.teach(teacher, five_b)
        subject = kit.maths()
    admin = school_client(school_a, SchoolRole.DEPUTY)
    url = f"/timetable/cell/{five_b.pk}/2/3/"
    form = {
        "subject": subject.pk, "unit": f"c{five_b.pk}", "teacher": teacher.pk, "room": "",
        "weeks": "every", "valid_from": "2026-09-01", "valid_to": "2027-05-26",
    }  # fmt: skip
    clash = admin.post(url, form)
    assert clash.status_code == 400
    assert "вторник, 3-й урок" in clash.content.decode() and "5А" in clash.content.decode()
    saved = admin.post(f"/timetable/cell/{five_b.pk}/2/4/", form)
    assert saved.status_code == 302
    with schema_context(school_a.schema_name):
        entry = TimetableEntry.objects.get(school_class=five_b)
        assert (entry.weekday, entry.number) == (2, 4)
    removed = admin.post(f"/timetable/cell/{five_b.pk}/2/4/", {"delete": entry.pk})
    assert removed.status_code == 302
    with schema_context(school_a.schema_name):
        assert not TimetableEntry.objects.filter(school_class=five_b).exists()
    teacher_client = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher_client.post(url, form).status_code == 403


def test_the_substitutions_board(school_a):
    year, _, five_a = _week(school_a)
    with schema_context(school_a.schema_name):
        lessons_make(ctx=kit.CTX, year=year)
        lesson = Lesson.objects.filter(school_class=five_a).order_by("date").first()
        substitute = kit.staff("Заменова")
    url = f"/timetable/substitutions/?date={lesson.date.isoformat()}"
    body = {"lesson": lesson.pk, "substitute": substitute.pk, "reason": "болезнь"}
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher.get(url).status_code == 200
    assert teacher.post(url, body).status_code == 403
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    assert deputy.post(url, {**body, "reason": ""}).status_code == 400
    assert deputy.post(url, body).status_code == 302
    board = deputy.get(url).content.decode()
    assert "Заменова" in board and "болезнь" in board
    with schema_context(school_a.schema_name):
        lesson.refresh_from_db()
        assert lesson.substitute_id == substitute.pk


def test_the_plan_editor_page(school_a):
    year, _, five_a = _week(school_a)
    with schema_context(school_a.schema_name):
        owner, user = kit.teacher_account(school_a, last_name="Планова")
        kit.teach(owner, five_a)
        lessons_make(ctx=kit.CTX, year=year)
    client = school_client(school_a)
    client.force_login(user)
    listing = client.get("/timetable/plans/")
    assert "Новое планирование" in listing.content.decode()
    with schema_context(school_a.schema_name):
        from tenants.people.models import Teaching

        teaching = Teaching.objects.get(staff=owner)
    created = client.post("/timetable/plans/", {"teaching": teaching.pk})
    assert created.status_code == 302
    url = created["Location"]
    form = {"action": "save", "t-TOTAL_FORMS": "3", "t-INITIAL_FORMS": "0"}
    form |= {"t-0-position": "2", "t-0-title": "Проценты", "t-0-hours": "2"}
    form |= {"t-1-position": "1", "t-1-title": "Дроби", "t-1-hours": "1"}
    assert client.post(url, form).status_code == 302
    with schema_context(school_a.schema_name):
        plan = plans.LessonPlan.objects.get(pk=int(url.rstrip("/").split("/")[-1]))
        assert list(plan.topics.values_list("title", flat=True)) == ["Дроби", "Проценты"]
    page = client.get(url).content.decode()
    assert "План и факт" in page and 'value="Проценты"' in page
    # a colleague reads the plan but may not change it
    colleague = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    read_only = colleague.get(url).content.decode()
    assert "Проценты" in read_only and "topics-form" not in read_only
    assert colleague.post(url, form).status_code == 403
    assert re.search(r"<title>[^<]+</title>", page)
