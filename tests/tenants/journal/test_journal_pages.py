"""Journal pages: who opens them, and who gets a writable grid."""

import pytest

from otmetka.accounts.roles import SchoolRole
from tests.factories import school_client, school_user
from tests.tenants.journal.test_journal_api import _setup

pytestmark = pytest.mark.django_db


def test_who_opens_the_journal_pages(school_a, school_b):
    s = _setup(school_a)
    page = s["url"].replace("/api/v1/journal/grid/", "/journal/grid/")
    for path in ("/journal/", page):
        for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN, SchoolRole.SCHOOL_ADMIN):
            assert school_client(school_a, role).get(path).status_code == 403, (role, path)
        other = school_client(school_b)
        other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
        assert other.get(path).status_code == 403
        assert school_client(school_a).get(path).status_code == 302  # to the login page
    listing = s["client"].get("/journal/").content.decode()
    assert "5А" in listing and "Математика" in listing
    mine = s["client"].get(page).content.decode()
    assert 'data-can-write="1"' in mine and "<title>Журнал: 5А, Математика" in mine
    director = school_client(school_a, SchoolRole.DIRECTOR).get(page).content.decode()
    assert 'data-can-write="0"' in director
    assert school_client(school_a, SchoolRole.SUBJECT_TEACHER).get(page).status_code == 403
    assert s["client"].get("/journal/grid/?class=x").status_code == 404


def test_the_audit_viewer_and_the_corrections_queue(school_a, school_b):
    from django_tenants.utils import schema_context

    from tenants.configuration.models import Period
    from tenants.journal import corrections, services
    from tests.tenants.people import kit

    s = _setup(school_a)
    a, b, _ = s["students"]
    task = s["tasks"][0]
    with schema_context(school_a.schema_name):
        services.journal_save(
            ctx=kit.CTX, author=s["teacher"],
            marks=[services.MarkChange(task.pk, a.pk, "5"),
                   services.MarkChange(task.pk, b.pk, "4")],
        )  # fmt: skip
        period = Period.objects.get(name="1 четверть")
        request = corrections.correction_request(
            ctx=kit.CTX, author=s["teacher"], school_class=s["class"], group=None,
            subject=kit.maths(), period=period, reason="описка",
            changes={"marks": [{"task": task.pk, "student": a.pk, "value": "4", "version": 1}]},
        )  # fmt: skip
        _, deputy_user = kit.teacher_account(school_a, SchoolRole.DEPUTY, "Завучева")
    for path in ("/journal/audit/", "/journal/corrections/"):
        for role in (SchoolRole.SUBJECT_TEACHER, SchoolRole.STUDENT, SchoolRole.SCHOOL_ADMIN):
            assert school_client(school_a, role).get(path).status_code == 403, (role, path)
        other = school_client(school_b)
        other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
        assert other.get(path).status_code == 403
    deputy = school_client(school_a)
    deputy.force_login(deputy_user)
    by_student = deputy.get(f"/journal/audit/?student={a.pk}").content.decode()
    assert by_student.count('data-action="journal.mark_add"') == 1  # only student A's mark
    by_class = deputy.get(f"/journal/audit/?class={s['class'].pk}&period={period.pk}")
    assert by_class.content.decode().count('data-action="journal.mark_add"') == 2
    queue = deputy.get("/journal/corrections/").content.decode()
    assert f'data-request="{request.pk}"' in queue and "описка" in queue
    decided = deputy.post(
        "/journal/corrections/", {"request": request.pk, "decision": "approve", "note": ""}
    )
    assert decided.status_code == 302
    with schema_context(school_a.schema_name):
        request.refresh_from_db()
        assert request.status == "applied"


def test_the_lesson_page(school_a, school_b, s3_storage):
    from django_tenants.utils import schema_context

    from tenants.journal.models import Attendance, LessonRecord
    from tenants.timetable.models import Homework

    s = _setup(school_a)
    lesson = s["lessons"][0]
    a, b, _ = s["students"]
    url = f"/journal/lesson/{lesson.pk}/"
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN, SchoolRole.SUBJECT_TEACHER):
        assert school_client(school_a, role).get(url).status_code == 403, role
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert other.get(url).status_code == 403
    page = s["client"].get(url).content.decode()
    assert f'name="code-{a.pk}"' in page and "Сохранить урок" in page
    saved = s["client"].post(url, {
        "topic": "Дроби", f"code-{a.pk}": "Б", f"late-{b.pk}": "", f"note-{b.pk}": "без формы",
        "homework": "№ 12", "pages": "34",
    })  # fmt: skip
    assert saved.status_code == 302
    with schema_context(school_a.schema_name):
        assert LessonRecord.objects.get(lesson=lesson).topic == "Дроби"
        rows = {r.student_id: (r.code.code if r.code else "", r.note)
                for r in Attendance.objects.filter(lesson=lesson)}  # fmt: skip
        assert rows == {a.pk: ("Б", ""), b.pk: ("", "без формы")}
        assert Homework.objects.get(lesson=lesson).pages == "34"
    # a bad value writes nothing of the form
    bad = s["client"].post(url, {"topic": "Другая", f"code-{a.pk}": "Б", f"late-{b.pk}": "500",
                                 "reason": "уточнение"})  # fmt: skip
    assert bad.status_code == 302
    with schema_context(school_a.schema_name):
        assert LessonRecord.objects.get(lesson=lesson).topic == "Дроби"
    director = school_client(school_a, SchoolRole.DIRECTOR).get(url).content.decode()
    assert "Сохранить урок" not in director and "Дроби" in director
    assert school_client(school_a, SchoolRole.DIRECTOR).post(url, {"topic": "x"}).status_code == 403


def test_the_absence_codes_page(school_a, school_b):
    from django_tenants.utils import schema_context

    from tenants.journal.models import AbsenceCode

    url = "/journal/absence-codes/"
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert school_client(school_a, role).get(url).status_code == 403
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert other.get(url).status_code == 403
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher.get(url).status_code == 200
    assert teacher.post(url, {"code": "X", "label": "y"}).status_code == 403
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    assert 'data-code="УП"' in admin.get(url).content.decode()
    assert (
        admin.post(url, {"code": "со", "label": "соревнования", "allows_makeup": "on"}).status_code
        == 302
    )
    with schema_context(school_a.schema_name):
        made = AbsenceCode.objects.get(code="СО")
        assert made.allows_makeup and made.is_active
    admin.post(url, {"id": made.pk, "code": "СО", "label": "соревнования"})  # unticked: retired
    with schema_context(school_a.schema_name):
        made.refresh_from_db()
        assert not made.is_active


def test_the_journals_list_runs_the_same_queries_for_any_number_of_rows(school_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from tests.tenants.people import kit
    from tests.tenants.timetable.test_lessons import _school

    # given: the director, and maths taught in two classes by two teachers
    with schema_context(school_a.schema_name):
        _school()  # Датова in 5А
        kit.teach(kit.staff("Бэшкина"), kit.school_class(letter="Б"))
    director = school_client(school_a, SchoolRole.DIRECTOR)
    director.get("/journal/")

    # when: the list is read with 2 rows, then with 6
    with CaptureQueriesContext(connection) as two:
        page = director.get("/journal/").content.decode()
    with schema_context(school_a.schema_name):
        for name, letter in (("Вэшкина", "В"), ("Гэшкина", "Г"), ("Дэшкина", "Д"),
                             ("Ешкина", "Е")):  # fmt: skip
            kit.teach(kit.staff(name), kit.school_class(letter=letter))
    director.get("/journal/")
    with CaptureQueriesContext(connection) as six:
        more = director.get("/journal/").content.decode()

    # then: every teacher is shown, in the same number of queries
    assert page.count("<tr>") == 1 + 2 and more.count("<tr>") == 1 + 6
    assert "Бэшкина" in page and "Ешкина" in more
    assert len(six) == len(two), [q["sql"][:80] for q in six.captured_queries]
