"""The diary's week across schools: what a guardian sees, and nothing more."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.audit.versions import bump
from tenants.journal.models import LessonRecord, Mark
from tenants.people import consents
from tenants.people.models import Consent, GuardianLink
from tenants.timetable.homework import HomeworkInput, homework_save
from tests.factories import UserFactory, region_client, region_user, school_client, school_user
from tests.tenants.diary.diary_kit import MONDAY, family, journal_week, student_account, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def _week(client, **params):
    response = client.get("/api/v1/diary/week/", {"date": MONDAY.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_guardian_sees_both_children_in_two_schools(school_a, school_b):
    a, b = term(school_a), term(school_b, names=("Гусев",))
    journal_week(a)
    journal_week(b)
    user = family(school_a, [a.students[0]])
    family(school_b, [b.students[0]], user=user)
    week = _week(region_client(user))
    names = {c["name"] for c in week["children"]}
    assert names == {"Алексеев Иван Сергеевич", "Гусев Иван Сергеевич"}
    child = next(c for c in week["children"] if c["name"].startswith("Алексеев"))
    monday = child["days"][0]
    assert monday["date"] == MONDAY.isoformat() and monday["weekday"] == "Понедельник"
    lesson = monday["lessons"][0]
    assert lesson["subject"] == "Математика" and lesson["topic"] == "Дроби"
    assert [m["value"] for m in lesson["marks"]] == ["5"]
    assert lesson["marks"][0]["work_type"]
    wednesday = child["days"][2]["lessons"][0]
    assert wednesday["homework"][0]["text"] == "№ 101, 102"
    assert wednesday["attendance"] is None  # the absent one is a classmate
    body = str(week)
    for other in a.students[1:]:
        assert other.last_name not in body


def test_only_children_with_a_link_and_a_consent_to_the_electronic_diary(school_a):
    a = term(school_a)
    first, second, third = a.students
    user = family(school_a, [first])
    family(school_a, [second], user=user, consent=False)  # no application registered
    family(school_a, [third], user=user, channels=("email",))  # consented to e-mail only
    keys = [c["key"] for c in region_client(user).get("/api/v1/diary/children/").json()["children"]]
    assert keys == [f"{school_a.slug}.{first.pk}"]
    with schema_context(school_a.schema_name):
        consent = Consent.objects.get(student=first)
        consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Заявление об отзыве")
    children = region_client(user).get("/api/v1/diary/children/").json()["children"]
    assert children == []  # withdrawn: the diary closes at once
    week = _week(region_client(user))
    assert week["children"] == []


def test_an_ended_link_closes_the_diary(school_a):
    a = term(school_a)
    user = family(school_a, [a.students[0]])
    with schema_context(school_a.schema_name):
        GuardianLink.objects.filter(student=a.students[0]).update(ended_at=MONDAY)
    assert _week(region_client(user))["children"] == []


def test_a_student_sees_only_themselves(school_a):
    a = term(school_a)
    journal_week(a)
    user = student_account(school_a, a.students[2])
    week = _week(region_client(user))
    assert [c["role"] for c in week["children"]] == ["student"]
    child = week["children"][0]
    assert child["name"].startswith("Васильев")
    wednesday = child["days"][2]["lessons"][0]
    assert wednesday["attendance"]["code"] == "Б"
    assert "Алексеев" not in str(week) and "Борисов" not in str(week)


def test_staff_and_strangers_are_refused_and_other_children_are_not_found(school_a, school_b):
    a = term(school_a)
    user = family(school_a, [a.students[0]])
    for path in ("children/", "week/", "card/", "summary/", "subject/"):
        url = f"/api/v1/diary/{path}"
        assert region_client().get(url).status_code in (401, 403)  # anonymous
        teacher = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
        assert region_client(teacher).get(url).status_code == 403  # staff read the journal
        assert region_client(region_user()).get(url).status_code == 403  # the ministry too
        assert school_client(school_a).get(url).status_code == 404  # only on the region's host
    other = f"{school_a.slug}.{a.students[1].pk}"  # a classmate: as if it did not exist
    for path in ("week/", "card/", "summary/"):
        response = region_client(user).get(f"/api/v1/diary/{path}", {"child": other})
        assert response.status_code == 404
    wrong_school = f"{school_b.slug}.{a.students[0].pk}"  # the same id in another school
    assert (
        region_client(user).get("/api/v1/diary/card/", {"child": wrong_school}).status_code == 404
    )
    bad = region_client(user).get("/api/v1/diary/week/", {"date": "31.02.2026"})
    assert bad.status_code == 400 and "date" in bad.json()["fields"]


def test_invalidated_entries_never_show(school_a):
    a = term(school_a)
    journal_week(a)
    user = family(school_a, [a.students[0]])
    with schema_context(school_a.schema_name):
        Mark.objects.filter(student=a.students[0]).update(invalidated_at=timezone.now())
        LessonRecord.objects.update(invalidated_at=timezone.now())
    lesson = _week(region_client(user))["children"][0]["days"][0]["lessons"][0]
    assert lesson["marks"] == [] and lesson["topic"] == ""


def test_individual_homework_only_for_its_students(school_a):
    a = term(school_a)
    with schema_context(school_a.schema_name):
        homework_save(
            ctx=kit.CTX, lesson=a.lessons[0], author=a.teacher,
            data=HomeworkInput(text="Дополнительно: № 7", for_lesson=a.lessons[1],
                               students=[a.students[1]]),
        )  # fmt: skip
    mine = family(school_a, [a.students[0]])
    theirs = family(school_a, [a.students[1]], user=UserFactory())
    wednesday = _week(region_client(mine))["children"][0]["days"][2]["lessons"][0]
    assert wednesday["homework"] == []
    wednesday = _week(region_client(theirs))["children"][0]["days"][2]["lessons"][0]
    assert [h["text"] for h in wednesday["homework"]] == ["Дополнительно: № 7"]
    assert wednesday["homework"][0]["individual"] is True


def _counted(client, schools) -> tuple[int, int, dict]:
    """Queries of a week built afresh (the schools' data versions bumped) and of a warm one."""
    for school in schools:
        bump(school.schema_name)
    with CaptureQueriesContext(connection) as cold:
        week = _week(client)
    with CaptureQueriesContext(connection) as warm:
        assert _week(client) == week  # the cached week is the same week
    return len(cold.captured_queries), len(warm.captured_queries), week


def test_the_week_runs_a_constant_number_of_queries(school_a, school_b):
    a = term(school_a, names=("Алексеев", "Борисов", "Васильев", "Григорьев"))
    b = term(school_b, names=("Гусев", "Дятлов"))
    journal_week(a)
    one = region_client(family(school_a, [a.students[0]]))
    _week(one)  # sign-in and routing caches warm
    small_cold, small_warm, _ = _counted(one, [school_a])
    journal_week(b)
    many = family(school_a, a.students[1:], user=UserFactory())
    family(school_b, b.students, user=many)
    client = region_client(many)
    _week(client)
    large_cold, large_warm, week = _counted(client, [school_a, school_b])
    assert len(week["children"]) == 5
    assert large_cold == small_cold <= 20
    # warm, signed in by session: the account, its memberships, the receipts (days off kept
    # per process); no school rows
    assert large_warm == small_warm == 3 < small_cold
    # with an API token, the token's statement reads the memberships too
    from otmetka.accounts.services import api_token_create

    token = api_token_create(user=many, name="t")[1]
    with_token = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    assert _week(with_token) == week
    with CaptureQueriesContext(connection) as warm:
        assert _week(with_token) == week
    assert len(warm.captured_queries) == 2


def test_without_redis_the_week_is_built_every_time(school_a, settings):
    # given a guardian whose week was cached while Redis answered
    from django.core.cache import caches

    from tenants.diary.family import family_of
    from tenants.diary.week import diary_week

    a = term(school_a)
    user = family(school_a, [a.students[0]])
    cached = diary_week(family_of(user.pk).children, MONDAY)
    # when Redis cannot be reached any more (nothing listens on port 1)
    global_cache = dict(settings.CACHES["global"], LOCATION="redis://127.0.0.1:1/0")
    settings.CACHES = {**settings.CACHES, "global": global_cache}
    journal_week(a)  # a mark and a topic saved meanwhile
    found = family_of(user.pk)
    week = diary_week(found.children, MONDAY, found.versions)
    # then the family and the week are read afresh: what was saved shows, nothing fails
    assert caches["global"]._servers == ["redis://127.0.0.1:1/0"] and found.versions is None
    lesson = week["children"][0]["days"][0]["lessons"][0]
    assert cached["children"][0]["days"][0]["lessons"][0]["marks"] == []
    assert [m["value"] for m in lesson["marks"]] == ["5"] and lesson["topic"] == "Дроби"


def test_what_a_teacher_saves_shows_on_the_next_request(school_a):
    a = term(school_a)
    client = region_client(family(school_a, [a.students[0]]))
    lesson = _week(client)["children"][0]["days"][0]["lessons"][0]
    assert lesson["marks"] == [] and lesson["topic"] == ""  # now cached
    journal_week(a)  # marks and a topic through the journal's service
    lesson = _week(client)["children"][0]["days"][0]["lessons"][0]
    assert [m["value"] for m in lesson["marks"]] == ["5"] and lesson["topic"] == "Дроби"


def test_a_journal_save_refreshes_its_class_only(school_a):
    # given a guardian of a pupil of 5А whose week is cached
    from django.db import transaction

    from tenants.audit.versions import data_versions, units_changed
    from tenants.configuration.models import WorkType
    from tenants.journal import services as journal

    a = term(school_a)
    with schema_context(school_a.schema_name):
        task = journal.task_add(
            ctx=kit.CTX, lesson=a.lessons[0], work_type=WorkType.objects.get(code="oral"),
            author=a.teacher,
        )  # fmt: skip
    client = region_client(family(school_a, [a.students[0]]))
    _week(client)
    school_version = data_versions([school_a.schema_name])
    # when another class's journal changes (what the journal's save bumps for its lessons)
    with schema_context(school_a.schema_name), transaction.atomic():
        units_changed([("c", a.school_class.pk + 1000), ("g", 1)])
    # then the week is still warm: no school row is read
    with CaptureQueriesContext(connection) as warm:
        _week(client)
    assert not [q for q in warm.captured_queries if school_a.schema_name in q["sql"]
                and "diary_viewreceipt" not in q["sql"]]  # fmt: skip
    # when the teacher saves a mark and a topic in 5А itself
    with schema_context(school_a.schema_name):
        journal.journal_save(
            ctx=kit.CTX, author=a.teacher,
            marks=[journal.MarkChange(task.pk, a.students[0].pk, "5")],
            topics=[journal.TopicChange(a.lessons[0].pk, "Дроби")],
        )  # fmt: skip
    # then the school's version is unchanged (families stay cached) and the week shows them
    assert data_versions([school_a.schema_name]) == school_version
    lesson = _week(client)["children"][0]["days"][0]["lessons"][0]
    assert [m["value"] for m in lesson["marks"]] == ["5"] and lesson["topic"] == "Дроби"


def test_a_week_built_from_other_classes_than_todays_is_still_refreshed(school_a):
    # given a week cached for a child, asked for by a caller that does not know the child's
    # classes and groups (`Child.units` empty: a past week in another class is the same case)
    import dataclasses

    from tenants.audit.versions import data_versions
    from tenants.diary.family import family_of
    from tenants.diary.week import diary_week
    from tenants.journal import services as journal

    a = term(school_a)
    user = family(school_a, [a.students[0]])
    found = family_of(user.pk)
    assert found.children[0].units  # the family carries them
    children = [dataclasses.replace(c, units=()) for c in found.children]
    first = diary_week(children, MONDAY, found.versions)
    assert first["children"][0]["days"][0]["lessons"][0]["topic"] == ""
    # when the teacher saves a topic (the journal bumps the class's version, not the school's)
    school_version = data_versions([school_a.schema_name])
    with schema_context(school_a.schema_name):
        journal.journal_save(
            ctx=kit.CTX, author=a.teacher, topics=[journal.TopicChange(a.lessons[0].pk, "Дроби")]
        )
    assert data_versions([school_a.schema_name]) == school_version
    # then the entry is seen as outdated all the same
    again = diary_week(children, MONDAY, found.versions)
    assert again["children"][0]["days"][0]["lessons"][0]["topic"] == "Дроби"
    # and with the units known, the same
    assert diary_week(found.children, MONDAY, found.versions) == again


def test_bad_query_parameters_are_400_with_a_message_per_field(school_a):
    a = term(school_a)
    client = region_client(family(school_a, [a.students[0]]))
    bad = client.get("/api/v1/diary/week/", {"date": "30.11.2026", "child": "x" * 61})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"date", "child"}
    for value in ("abc", "0", "-1", "1.5", "٣", "9" * 30):
        bad = client.get("/api/v1/diary/summary/", {"child": "a.1", "period": value})
        assert bad.status_code == 400 and set(bad.json()["fields"]) == {"period"}, value
    # a child is required where one child is shown
    for path in ("/api/v1/diary/summary/", "/api/v1/diary/homework-files/1/"):
        bad = client.get(path)
        assert bad.status_code == 400 and set(bad.json()["fields"]) == {"child"}, path
    # empty values are no values: this week, every child
    assert client.get("/api/v1/diary/week/", {"date": "", "child": ""}).status_code == 200


def test_homework_refreshes_its_class_only_and_shows_at_once(school_a):
    # given a guardian whose week is cached, homework given for Wednesday's lesson
    from tenants.audit.versions import data_versions

    a = term(school_a)
    client = region_client(family(school_a, [a.students[0]]))
    with schema_context(school_a.schema_name):
        given = homework_save(
            ctx=kit.CTX, lesson=a.lessons[0], author=a.teacher,
            data=HomeworkInput(text="№ 1", for_lesson=a.lessons[1]),
        )  # fmt: skip
    assert _homework(_week(client)) == [("Среда", "№ 1")]
    school_version = data_versions([school_a.schema_name])
    # when the teacher changes it
    with schema_context(school_a.schema_name):
        homework_save(
            ctx=kit.CTX, lesson=a.lessons[0], author=a.teacher, homework=given,
            data=HomeworkInput(text="№ 1–3", for_lesson=a.lessons[1]),
        )  # fmt: skip
    # then the school's version is unchanged (families and other classes stay cached), and the
    # next request shows the change
    assert data_versions([school_a.schema_name]) == school_version
    assert _homework(_week(client)) == [("Среда", "№ 1–3")]
    # and when the teacher removes it, it is gone at once
    from tenants.timetable.homework import homework_delete

    with schema_context(school_a.schema_name):
        homework_delete(ctx=kit.CTX, actor=a.teacher, homework=given)
    assert data_versions([school_a.schema_name]) == school_version
    assert _homework(_week(client)) == []


def _homework(week) -> list[tuple[str, str]]:
    return [(d["weekday"], h["text"]) for d in week["children"][0]["days"] for ls in d["lessons"]
            for h in ls["homework"]]  # fmt: skip
