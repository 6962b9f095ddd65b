"""A child's subject, period summary and card; view receipts (DIA-05); the family pages."""

import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration.models import WorkType
from tenants.diary.models import ViewReceipt
from tenants.journal import services as journal
from tests.factories import region_client, school_client, school_user
from tests.tenants.diary.diary_kit import MONDAY, family, journal_week, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def test_subject_summary_and_card_show_the_childs_own_results(school_a):
    a = term(school_a)
    journal_week(a)
    user = family(school_a, [a.students[2]])  # the one with a 3 and the absence
    client = region_client(user)
    key = f"{school_a.slug}.{a.students[2].pk}"
    with schema_context(school_a.schema_name):
        maths = kit.maths()
    summary = client.get("/api/v1/diary/summary/", {"child": key, "period": ""})
    assert summary.status_code == 200, summary.content
    data = summary.json()
    assert data["period"]["name"] == "2 четверть"  # today (2026-11-23) is in it
    subject = client.get(
        "/api/v1/diary/subject/",
        {"child": key, "subject": maths.pk, "period": data["period"]["id"]},
    ).json()
    assert [m["value"] for m in subject["marks"]] == ["3"]
    assert subject["marks"][0]["topic"] == "Дроби"
    assert subject["count"] == 1 and subject["too_few"] is True
    row = data["subjects"][0]
    assert row["subject"]["name"] == "Математика" and row["marks"] == ["3"]
    assert row["missed"] == 1
    assert data["missed_lessons"][0]["subject"] == "Математика"
    for other in a.students[:2]:
        assert other.last_name not in str(data) + str(subject)
    assert data["unsatisfactory"] == []  # a 3 passes
    with schema_context(school_a.schema_name):
        task = journal.task_add(
            ctx=kit.CTX, lesson=a.lessons[1], work_type=WorkType.objects.get(code="written"),
            author=a.teacher,
        )  # fmt: skip
        two = journal.MarkChange(task.pk, a.students[2].pk, "2")
        journal.journal_save(ctx=kit.CTX, author=a.teacher, marks=[two])
    data = client.get("/api/v1/diary/summary/", {"child": key}).json()
    assert [(m["value"], m["subject"]) for m in data["unsatisfactory"]] == [("2", "Математика")]
    card = client.get("/api/v1/diary/card/", {"child": key}).json()
    assert {t["teacher"] for t in card["teachers"]} == {  # both teach maths in 5А
        "Датова Анна Петровна",
        "Дневникова Анна Петровна",
    }
    assert [p["name"] for p in card["periods"]][:2] == ["1 четверть", "2 четверть"]
    bad = client.get("/api/v1/diary/subject/", {"child": key, "subject": 999999})
    assert bad.status_code == 400 and "subject" in bad.json()["fields"]


def test_views_leave_receipts_for_the_administration_and_the_class_teacher(school_a):
    a = term(school_a)
    user = family(school_a, [a.students[0]])
    region_client(user).get("/api/v1/diary/week/", {"date": MONDAY.isoformat()})
    region_client(user).get("/diary/", {"date": MONDAY.isoformat()})
    with schema_context(school_a.schema_name):
        receipts = list(ViewReceipt.objects.order_by("at", "pk"))
        assert [(r.student_id, r.user_id, r.role, r.view, r.channel) for r in receipts] == [
            (a.students[0].pk, user.pk, "guardian", "week", "api"),
            (a.students[0].pk, user.pk, "guardian", "week", "web"),
        ]
        lead, lead_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        a.school_class.class_teacher = lead
        a.school_class.save(update_fields=["class_teacher"])
        other_class = kit.school_class(grade=6)
        other_lead, other_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Шестая")
        other_class.class_teacher = other_lead
        other_class.save(update_fields=["class_teacher"])
    director = school_client(school_a, SchoolRole.DIRECTOR)
    listed = director.get("/api/v1/diary/receipts/").json()
    assert listed["count"] == 2 and listed["results"][0]["viewer"].startswith("Родителева")
    class_teacher = school_client(school_a)
    class_teacher.force_login(lead_user)
    assert class_teacher.get("/api/v1/diary/receipts/").json()["count"] == 2
    assert class_teacher.get("/diary/receipts/").status_code == 200
    stranger = school_client(school_a)
    stranger.force_login(other_user)
    assert stranger.get("/api/v1/diary/receipts/").json()["count"] == 0  # not their class
    for role in (SchoolRole.SUBJECT_TEACHER, SchoolRole.SCHOOL_ADMIN, SchoolRole.GUARDIAN):
        assert school_client(school_a, role).get("/api/v1/diary/receipts/").status_code == 403
        assert school_client(school_a, role).get("/diary/receipts/").status_code == 403
    assert region_client(user).get("/api/v1/diary/receipts/").status_code == 404  # school host
    bad = director.get("/api/v1/diary/receipts/", {"student": "x"})
    assert bad.status_code == 400 and "student" in bad.json()["fields"]


def test_receipts_stay_in_their_school(school_a, school_b):
    a = term(school_a)
    user = family(school_a, [a.students[0]])
    region_client(user).get("/api/v1/diary/week/", {"date": MONDAY.isoformat()})
    other_director = school_client(school_b, SchoolRole.DIRECTOR)
    assert other_director.get("/api/v1/diary/receipts/").json()["count"] == 0
    outsider = school_user(school_b, SchoolRole.DIRECTOR)
    client = school_client(school_a)
    client.force_login(outsider)
    assert client.get("/api/v1/diary/receipts/").status_code == 403


def test_the_family_pages(school_a, school_b):
    a, b = term(school_a), term(school_b, names=("Гусев",))
    journal_week(a)
    user = family(school_a, [a.students[0]])
    family(school_b, [b.students[0]], user=user)
    client = region_client(user)
    page = client.get("/diary/", {"date": MONDAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Алексеев Иван Сергеевич" in html and "Гусев Иван Сергеевич" in html
    assert "Дроби" in html and "№ 101, 102" in html and 'name="viewport"' in html
    key = f"{school_a.slug}.{a.students[0].pk}"
    for path in ("/diary/summary/", "/diary/card/"):
        assert client.get(path, {"child": key}).status_code == 200
        other = f"{school_a.slug}.{a.students[1].pk}"
        assert client.get(path, {"child": other}).status_code == 404
    teacher = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    assert region_client(teacher).get("/diary/").status_code == 403
    assert region_client().get("/diary/").status_code == 302  # to the sign-in page
    assert school_client(school_a, SchoolRole.GUARDIAN).get("/diary/").status_code == 404
