"""The diary API's answers against its own OpenAPI schema (issue 7, point 8): every real answer
of every diary endpoint validates against the response schema documented for its status, with
every object closed (`additionalProperties: false`), so a field the code returns but the schema
does not declare fails, and so does a declared required field that is missing. The family's
week is rich enough that every object the schema describes is met in a real answer."""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration.models import Period, WorkType
from tenants.events import services as events
from tenants.journal import period_marks as pm
from tenants.journal import services as journal
from tenants.people import services as people
from tenants.timetable import services as timetable
from tenants.timetable.homework import FileInput, HomeworkInput, homework_save, recommendation_add
from tests.factories import region_client, school_client, school_user
from tests.tenants.diary.diary_kit import MONDAY, family, journal_week, term
from tests.tenants.events import events_kit as ek
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 18)
MOSCOW = ZoneInfo("Europe/Moscow")


# --- the schema as the test reads it ----------------------------------------------------------


def _schema(client) -> dict:
    """The host's OpenAPI schema, fetched as a client gets it (the public host's urlconf on
    `localhost`, a school's on `<slug>.localhost`)."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _strict(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a null alternative, and every
    object that does not say otherwise refuses properties it does not declare."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: {name: _strict(sub) for name, sub in value.items()}
        if key == "properties"
        else _strict(value)
        for key, value in node.items()
    }
    if node.get("type") == "object" or "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def _answer_schema(schema: dict, path: str, status: int) -> dict:
    responses = schema["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} answers {status}, the schema does not say so"
    return responses[str(status)]["content"]["application/json"]["schema"]


def _validate(schema: dict, path: str, status: int, body) -> None:
    """`body` against the strict copy of the schema documented for `status`; every error."""
    strict = {
        "allOf": [_strict(_answer_schema(schema, path, status))],
        "components": {"schemas": _strict(copy.deepcopy(schema["components"]["schemas"]))},
    }
    validator = jsonschema.Draft7Validator(strict, format_checker=jsonschema.FormatChecker())
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(answer)'}: {e.message}"
        for e in validator.iter_errors(body)
    ]
    assert not errors, f"{path} {status}:\n" + "\n".join(errors[:20])


def _objects(schema: dict, node, found: set[str] | None = None) -> set[str]:
    """The object components reachable from `node`."""
    found = set() if found is None else found
    if isinstance(node, list):
        for item in node:
            _objects(schema, item, found)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            component = schema["components"]["schemas"][name]
            if name not in found and "properties" in component:
                found.add(name)
                _objects(schema, component, found)
        for value in node.values():
            _objects(schema, value, found)
    return found


def _met(schema: dict, node: dict, data, seen: set[str]) -> None:
    """Add to `seen` the object components that a non-null value in `data` was checked
    against."""
    if data is None:
        return
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        component = schema["components"]["schemas"][name]
        if "properties" in component:
            seen.add(name)
        _met(schema, component, data, seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for part in node.get(key, []):
            _met(schema, part, data, seen)
    if isinstance(data, list) and "items" in node:
        for item in data:
            _met(schema, node["items"], item, seen)
    if isinstance(data, dict):
        for name, sub in node.get("properties", {}).items():
            if name in data:
                _met(schema, sub, data[name], seen)


# --- a family with a rich week ----------------------------------------------------------------


def _rich_family(school_a, school_b):
    """A guardian of three children in two schools. In school A's 5А: a mark, lateness, an
    absence, a topic, class and individual homework with a file, a substitute, control works,
    events, a recommendation, a 2, period and year marks; a classmate moved to 5Б on Wednesday
    after a mark at 5А's Wednesday lesson (a mark outside their lessons that day). In school B:
    a ninth-grader with an exam choice."""
    a = term(school_a)
    journal_week(a)
    child, moved = a.students[2], a.students[0]
    monday, wednesday = a.lessons[0], a.lessons[1]
    with schema_context(school_a.schema_name):
        maths = kit.maths()
        written = journal.task_add(
            ctx=kit.CTX, lesson=wednesday, work_type=WorkType.objects.get(code="written"),
            author=a.teacher, title="Самостоятельная работа",
        )  # fmt: skip
        journal.journal_save(
            ctx=kit.CTX, author=a.teacher,
            marks=[journal.MarkChange(written.pk, child.pk, "2", comment="Повторить дроби"),
                   journal.MarkChange(written.pk, moved.pk, "4")],
            attendance=[journal.AttendanceChange(monday.pk, child.pk, "ОП", late_minutes=10,
                                                 note="Предупредили")],
        )  # fmt: skip
        homework_save(
            ctx=kit.CTX, lesson=monday, author=a.teacher,
            data=HomeworkInput(text="Лист с задачами", method="written", exercises="1–5",
                               for_lesson=wednesday, students=[child],
                               files=[FileInput("лист.pdf", b"%PDF-1.4 the worksheet")]),
        )  # fmt: skip
        timetable.substitution_register(
            ctx=kit.CTX, lesson=monday, substitute=kit.staff("Заменова"), reason="Курсы"
        )
        for day, form, title in ((WEDNESDAY, "test", "Дроби"), (date(2026, 12, 9), "vpr", "")):
            events.control_work_save(
                ctx=kit.CTX, caller=ek.ADMIN,
                data=events.ControlWorkInput(subject=maths, date=day, form=form, title=title,
                                             school_class=a.school_class),
            )  # fmt: skip
        events.event_save(
            ctx=kit.CTX, caller=ek.ADMIN,
            data=events.EventInput(level="class", date=date(2026, 11, 20), title="Экскурсия",
                                   school_class=a.school_class, end_date=date(2026, 11, 25),
                                   start_time=time(15, 0), place="Краеведческий музей"),
        )  # fmt: skip
        events.event_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=events.EventInput(level="school", date=date(2026, 12, 25), title="Ёлка"),
        )
        recommendation_add(
            ctx=kit.CTX, student=child, author=a.teacher, text="Решать по задаче в день",
            subject=maths,
        )  # fmt: skip
        pm.period_marks_save(
            ctx=kit.CTX, author=a.teacher, school_class=a.school_class, group=None,
            subject=maths, period=Period.objects.get(name="1 четверть"),
            changes=[pm.PeriodMarkChange(child.pk, value="4")],
            now=datetime(2026, 10, 23, 12, tzinfo=MOSCOW),
        )  # fmt: skip
        pm.year_marks_save(
            ctx=kit.CTX, author=a.teacher, school_class=a.school_class, group=None,
            subject=maths, kind="year", changes=[pm.YearMarkChange(child.pk, value="4")],
            now=datetime(2027, 5, 20, 12, tzinfo=MOSCOW),
        )  # fmt: skip
        people.class_transfer(
            ctx=kit.CTX, student=moved, to_class=kit.school_class(letter="Б"),
            date_on=WEDNESDAY, order=kit.ORDER,
        )  # fmt: skip
    term(school_b, names=("Гусев",))
    with schema_context(school_b.schema_name):
        nine = kit.school_class(grade=9)
        ninth = kit.enrol(nine, "Дмитриев", "Олег", birth=date(2011, 3, 1))
        events.exam_choice_save(
            ctx=kit.CTX, caller=ek.ADMIN, today=TODAY,
            data=events.ExamChoiceInput(student=ninth, year=nine.year, kind="oge",
                                        subject=kit.maths()),
        )  # fmt: skip
        maths_b = kit.maths()
    user = family(school_a, [child, moved])
    family(school_b, [ninth], user=user)
    subjects = {
        f"{school_a.slug}.{child.pk}": maths.pk,
        f"{school_a.slug}.{moved.pk}": maths.pk,
        f"{school_b.slug}.{ninth.pk}": maths_b.pk,
    }
    return user, subjects


# --- the tests ----------------------------------------------------------------------------------


def test_every_family_answer_matches_its_schema_field_by_field(school_a, school_b):
    # given a guardian of three children in two schools with a rich week
    user, subjects = _rich_family(school_a, school_b)
    client = region_client(user)
    schema = _schema(region_client())
    # when they call every family endpoint of the diary, for every child
    answers: dict[str, list] = {}

    def call(endpoint: str, **params):
        path = f"/api/v1/diary/{endpoint}/"
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.content[:300])
        answers.setdefault(path, []).append(response.json())

    call("children")
    call("week", date=MONDAY.isoformat())
    for key, subject in subjects.items():
        call("subject", child=key, subject=subject)
        call("summary", child=key)
        call("card", child=key)
    # then each answer validates against its documented schema, every object closed
    for path, bodies in answers.items():
        for body in bodies:
            _validate(schema, path, 200, body)
    # and every object the schema describes was met in a real answer: none went unchecked
    for path, bodies in answers.items():
        declared = _answer_schema(schema, path, 200)
        seen: set[str] = set()
        for body in bodies:
            _met(schema, declared, body, seen)
        assert _objects(schema, declared) - seen == set(), path
    week = answers["/api/v1/diary/week/"][0]
    assert len(week["children"]) == 3
    assert any(day["other_marks"] for c in week["children"] for day in c["days"])


def test_error_answers_match_the_documented_error_bodies(school_a, school_b):
    # given a guardian of one pupil, a pupil of someone else, and a teacher
    a = term(school_a)
    user = family(school_a, [a.students[0]])
    other = f"{school_a.slug}.{a.students[1].pk}"
    teacher = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    schema = _schema(region_client())
    cases = [
        # (who, endpoint, params, expected status)
        (None, "children", {}, 401),
        (None, "week", {}, 401),
        (teacher, "children", {}, 403),
        (teacher, "card", {"child": other}, 403),
        (user, "week", {"date": "вчера"}, 400),
        (user, "subject", {}, 400),
        (user, "summary", {"child": other, "period": "x"}, 400),
        (user, "card", {"child": other}, 404),
        (user, "week", {"child": other}, 404),
        (user, "subject", {"child": f"{school_b.slug}.1", "subject": 1}, 404),
    ]
    for who, endpoint, params, status in cases:
        # when each calls
        path = f"/api/v1/diary/{endpoint}/"
        response = region_client(who).get(path, params)
        # then the status is the expected one, documented, and its body is the documented one
        assert response.status_code == status, (endpoint, params, response.content[:300])
        _validate(schema, path, status, response.json())
    invalid = region_client(user).get("/api/v1/diary/week/", {"date": "вчера"}).json()
    assert invalid["code"] == "invalid" and "date" in invalid["fields"]


def test_the_receipts_answer_matches_the_school_hosts_schema(school_a):
    # given a guardian who opened the week, and the school's director
    a = term(school_a)
    region_client(family(school_a, [a.students[0]])).get(
        "/api/v1/diary/week/", {"date": MONDAY.isoformat()}
    )
    schema = _schema(school_client(school_a))
    path = "/api/v1/diary/receipts/"
    cases = [
        (school_client(school_a, SchoolRole.DIRECTOR), {}, 200),
        (school_client(school_a, SchoolRole.DIRECTOR), {"student": "x"}, 400),
        (school_client(school_a, SchoolRole.SUBJECT_TEACHER), {}, 403),
        (school_client(school_a), {}, 401),
    ]
    for client, params, status in cases:
        # when each lists the receipts
        response = client.get(path, params)
        # then the answer is the documented one for its status
        assert response.status_code == status, (params, response.content[:300])
        _validate(schema, path, status, response.json())
    listed = cases[0][0].get(path).json()
    assert listed["count"] == 1 and listed["results"][0]["view"] == "week"


def test_the_check_refuses_an_undeclared_field_and_a_missing_required_one(school_a):
    # given a real answer of children/ that validates
    a = term(school_a)
    client = region_client(family(school_a, [a.students[0]]))
    path = "/api/v1/diary/children/"
    body = client.get(path).json()
    schema = _schema(region_client())
    _validate(schema, path, 200, body)
    extra, missing, null = copy.deepcopy(body), copy.deepcopy(body), copy.deepcopy(body)
    # when a child carries a field the schema does not declare, lacks a declared one, or has
    # null where the schema does not allow it
    extra["children"][0]["birth_date"] = "2015-03-01"
    del missing["children"][0]["short_name"]
    null["children"][0]["school"] = None
    # then each fails the check
    for changed in (extra, missing, null):
        with pytest.raises(AssertionError):
            _validate(schema, path, 200, changed)
