"""The messaging API on both hosts (DIA-08): staff on the school's host, families on the
region's host; refusals for the wrong role, school and guardian; moderation never leaking the
hidden text; read state; query counts of the list and the thread."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from otmetka.accounts.roles import RegionRole, SchoolRole
from tenants.messaging import services
from tenants.messaging.api.urls import router as staff_router
from tenants.messaging.models import Attachment
from tenants.people import consents
from tenants.people.models import Consent
from tests.factories import region_client, region_user, school_user
from tests.routes import assert_outsiders_refused, router_routes
from tests.tenants.diary.diary_kit import family
from tests.tenants.messaging.messaging_kit import EXE, PDF, PNG, cast, start_from_mother
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
THREADS = "/api/v1/messages/threads/"
FAMILY = "/api/v1/diary/messages/threads/"


def staff_client(school, user) -> Client:
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    client.force_login(user)
    return client


def pdf(name="справка.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_staff_start_a_thread_and_the_family_answers_with_files(school_a):
    # given
    c = cast(school_a)
    maths, mother = staff_client(school_a, c.maths_user), region_client(c.mother)
    recipients = maths.get("/api/v1/messages/recipients/", {"student": c.pupils[0].pk})
    assert [(r["user_id"], r["role"]) for r in recipients.json()] == [(c.mother.pk, "guardian")]
    # when: the teacher writes to the guardians with a file
    created = maths.post(THREADS, {
        "student": c.pupils[0].pk, "subject": "Контрольная", "body": "Принесите справку",
        "all_guardians": "true", "files": [pdf()],
    })  # fmt: skip
    # then
    assert created.status_code == 201, created.content
    thread = created.json()
    assert [p["role"] for p in thread["participants"]] == ["teacher", "guardian"]
    attachment = thread["messages"][0]["attachments"][0]
    assert attachment["url"] == f"/api/v1/messages/attachments/{attachment['id']}/"
    listed = maths.get(THREADS).json()
    assert listed["count"] == 1 and listed["unread_total"] == 0
    assert listed["results"][0]["student"]["name"] == "Алексеев Иван Сергеевич"
    family_list = mother.get(FAMILY).json()
    assert family_list["unread_total"] == 1
    assert family_list["results"][0]["child"]["key"] == c.key
    # the guardian opens it: read
    opened = mother.get(f"{FAMILY}{thread['id']}/", {"child": c.key}).json()
    assert opened["messages"][0]["new"] is True and opened["can_post"] is True
    assert mother.get(FAMILY).json()["unread_total"] == 0
    file_url = opened["messages"][0]["attachments"][0]["url"]
    assert file_url == f"/api/v1/diary/messages/attachments/{attachment['id']}/?child={c.key}"
    download = mother.get(file_url)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    # the guardian answers with a picture
    reply = mother.post(f"{FAMILY}{thread['id']}/messages/?child={c.key}", {
        "body": "Вот справка", "files": [SimpleUploadedFile("скан.png", PNG)],
    })  # fmt: skip
    assert reply.status_code == 201, reply.content
    assert reply.json()["mine"] is True and reply.json()["author"]["role"] == "guardian"
    listed = maths.get(THREADS).json()
    assert listed["unread_total"] == 1 and listed["results"][0]["unread"] == 1
    picture = reply.json()["attachments"][0]
    download = maths.get(f"/api/v1/messages/attachments/{picture['id']}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_a_family_starts_a_thread_in_the_api(school_a):
    c = cast(school_a)
    mother = region_client(c.mother)
    allowed = mother.get("/api/v1/diary/messages/recipients/", {"child": c.key}).json()
    assert allowed[0]["user_id"] == c.lead_user.pk and allowed[0]["role"] == "class_teacher"
    created = mother.post(f"{FAMILY}?child={c.key}", {
        "subject": "Пропуск", "body": "Сын болеет", "recipients": [c.lead_user.pk],
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["messages"][0]["body"] == "Сын болеет"
    refused = mother.post(f"{FAMILY}?child={c.key}", {
        "subject": "Пропуск", "body": "…", "recipients": [c.stranger_user.pk],
    }, content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "recipients" in refused.json()["fields"]
    missing = mother.post(FAMILY, {"subject": "Т", "body": "Б"}, content_type="application/json")
    assert missing.status_code == 400 and "child" in missing.json()["fields"]


def test_bad_input_is_a_400_with_field_messages_and_writes_nothing(school_a):
    c = cast(school_a)
    maths = staff_client(school_a, c.maths_user)
    thread = start_from_mother(c)
    cases = [
        (THREADS, {"student": 999999, "subject": "Т", "body": "Б"}, "student"),
        (THREADS, {"student": c.pupils[0].pk, "subject": "", "body": "Б"}, "subject"),
        (THREADS, {"student": c.pupils[0].pk, "subject": "Т", "body": "Б",
                   "recipients": [c.other_mother.pk]}, "recipients"),
        (f"{THREADS}{thread.pk}/messages/", {"body": "Файл", "files": [pdf("a.pdf", EXE)]},
         "files[0]"),
        (f"{THREADS}{thread.pk}/messages/", {"body": ""}, "body"),
    ]  # fmt: skip
    with schema_context(school_a.schema_name):
        messages = thread.messages.count()
    for path, body, field in cases:
        answer = maths.post(path, body)
        assert answer.status_code == 400, (path, answer.content)
        assert field in answer.json()["fields"], (field, answer.json())
    with schema_context(school_a.schema_name):
        assert thread.messages.count() == messages and not Attachment.objects.exists()
    # a renamed program through the family API too
    renamed = region_client(c.mother).post(
        f"{FAMILY}{thread.pk}/messages/?child={c.key}", {"files": [pdf("фото.jpg", EXE)]}
    )
    assert renamed.status_code == 400 and "files[0]" in renamed.json()["fields"]


@pytest.mark.parametrize(("method", "path"), router_routes(staff_router))
def test_staff_routes_refuse_families_other_schools_and_anonymous(school_a, school_b, method, path):
    assert_outsiders_refused(school_a, school_b, method, path)


def test_non_participants_and_other_schools_get_nothing(school_a, school_b):
    c = cast(school_a)
    thread = start_from_mother(c, files=[services.Upload("a.pdf", PDF)])
    with schema_context(school_a.schema_name):
        attachment = Attachment.objects.get()
    paths = [f"{THREADS}{thread.pk}/", f"/api/v1/messages/attachments/{attachment.pk}/"]
    for user in (c.stranger_user, c.lead_user, c.deputy_user, c.admin_user):
        client = staff_client(school_a, user)
        for path in paths:
            assert client.get(path).status_code == 404, (user.last_name, path)
        assert client.post(f"{THREADS}{thread.pk}/messages/", {"body": "Я"}).status_code == 404
        assert client.get(THREADS).json()["count"] == 0
    # the director of another school, on their own host: not there; on this host: refused
    director_b = school_user(school_b, SchoolRole.DIRECTOR)
    for path in paths:
        assert staff_client(school_b, director_b).get(path).status_code == 404
        client = Client(HTTP_HOST="school-a.localhost")
        client.force_login(director_b)
        assert client.get(path).status_code == 403


def test_family_routes_refuse_staff_the_ministry_and_other_families(school_a):
    c = cast(school_a)
    thread = start_from_mother(c, files=[services.Upload("a.pdf", PDF)])
    with schema_context(school_a.schema_name):
        attachment = Attachment.objects.get()
    other_key = f"{school_a.slug}.{c.pupils[1].pk}"
    paths = [
        (FAMILY, {}), (f"{FAMILY}{thread.pk}/", {"child": c.key}),
        ("/api/v1/diary/messages/recipients/", {"child": c.key}),
        (f"/api/v1/diary/messages/attachments/{attachment.pk}/", {"child": c.key}),
    ]  # fmt: skip
    outsiders = (
        school_user(school_a, SchoolRole.DIRECTOR),
        region_user(RegionRole.MINISTRY_OFFICER),
    )
    for user in outsiders:
        for path, query in paths:
            assert region_client(user).get(path, query).status_code == 403, path
    assert region_client().get(FAMILY).status_code in (401, 403)
    # another family: the mother's child is not theirs, and the thread is not about theirs
    other = region_client(c.other_mother)
    assert other.get(FAMILY).json() == {"unread_total": 0, "results": []}
    for path, query in paths[1:]:
        assert other.get(path, query).status_code == 404, path
    for path in (f"{FAMILY}{thread.pk}/", f"/api/v1/diary/messages/attachments/{attachment.pk}/"):
        assert other.get(path, {"child": other_key}).status_code == 404, path
    reply = other.post(f"{FAMILY}{thread.pk}/messages/?child={other_key}", {"body": "Я"})
    assert reply.status_code == 404
    # the student of the class: their own key, not the thread
    pupil = region_client(c.pupil_user)
    own = f"{school_a.slug}.{c.pupils[2].pk}"
    assert pupil.get(f"{FAMILY}{thread.pk}/", {"child": own}).status_code == 404
    # staff pages of the school are not on the region's host, family pages not on the school's
    assert staff_client(school_a, c.mother).get(f"{FAMILY}{thread.pk}/").status_code == 404


def test_a_family_with_children_in_two_schools_sees_both_and_nothing_else(school_a, school_b):
    c = cast(school_a)
    b = cast(school_b, names=("Гусев", "Дятлов", "Ершов"))
    family(school_b, [b.pupils[1]], c.mother)  # Мамина's second child, in school B
    key_b = f"{school_b.slug}.{b.pupils[1].pk}"
    in_a = start_from_mother(c)
    with schema_context(school_b.schema_name):
        in_b = services.thread_start(
            actor=b.family(c.mother), student=b.pupils[1], subject="Кружок", body="Запишите",
            recipients=[b.lead_user.pk],
        )  # fmt: skip
    start_from_mother(b)  # school B's own Мамина, about her child: not ours
    mother = region_client(c.mother)
    listed = mother.get(FAMILY).json()
    assert [(r["id"], r["child"]["key"]) for r in listed["results"]] == [
        (in_b.pk, key_b), (in_a.pk, c.key),
    ]  # fmt: skip
    assert listed["unread_total"] == 0
    only_b = mother.get(FAMILY, {"child": key_b}).json()["results"]
    assert [r["subject"] for r in only_b] == ["Кружок"]
    # a thread id is a school's: school A's id with the school B child is not found
    assert mother.get(f"{FAMILY}{in_a.pk}/", {"child": key_b}).status_code == 404
    assert mother.get(f"{FAMILY}{in_b.pk}/", {"child": key_b}).status_code == 200
    assert "Гусев" not in str(listed) and "Ершов" not in str(listed)


def test_a_withdrawn_consent_closes_the_thread_in_the_api(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    mother = region_client(c.mother)
    assert mother.get(f"{FAMILY}{thread.pk}/", {"child": c.key}).status_code == 200
    with schema_context(school_a.schema_name):
        consent = Consent.objects.get(student=c.pupils[0], guardian__user_id=c.mother.pk)
        consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Отзыв")
    assert mother.get(f"{FAMILY}{thread.pk}/", {"child": c.key}).status_code == 404
    assert mother.get(FAMILY).json()["results"] == []
    answer = mother.post(f"{FAMILY}{thread.pk}/messages/?child={c.key}", {"body": "Ещё"})
    assert answer.status_code == 404


def test_moderation_hides_the_text_from_every_answer(school_a):
    # given
    c = cast(school_a)
    secret = "Секретная-грубость-42"
    thread = start_from_mother(c, body=secret)
    with schema_context(school_a.schema_name):
        message = thread.messages.get()
    hide = f"/api/v1/messages/messages/{message.pk}/hide/"
    director = staff_client(school_a, c.director_user)
    for user in (c.deputy_user, c.admin_user, c.maths_user):
        refused = staff_client(school_a, user).post(hide, {"reason": "Нет"})
        assert refused.status_code == 403, user.last_name
    json = "application/json"
    assert director.post(hide, {}, content_type=json).status_code == 400  # a reason is required
    # the director sees every thread of the school
    assert director.get(THREADS).json()["count"] == 0
    assert director.get(THREADS, {"all": "true"}).json()["count"] == 1
    # when
    hidden = director.post(hide, {"reason": "Оскорбление"}, content_type=json)
    # then
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["hidden"] is True and hidden.json()["hidden_reason"] == "Оскорбление"
    answers = [
        hidden,
        director.get(f"{THREADS}{thread.pk}/"),
        director.get(THREADS, {"all": "true"}),
        staff_client(school_a, c.maths_user).get(f"{THREADS}{thread.pk}/"),
        staff_client(school_a, c.maths_user).get(THREADS),
        staff_client(school_a, c.maths_user).get(f"/messages/{thread.pk}/"),
        director.get(f"/messages/{thread.pk}/"),
        region_client(c.mother).get(f"{FAMILY}{thread.pk}/", {"child": c.key}),
        region_client(c.mother).get(FAMILY),
        region_client(c.mother).get(f"/diary/messages/{c.key}/{thread.pk}/"),
        region_client(c.mother).get("/diary/messages/"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert secret not in answer.content.decode()
    shown = region_client(c.mother).get(f"{FAMILY}{thread.pk}/", {"child": c.key}).json()
    assert shown["messages"][0]["body"] == "Сообщение скрыто администрацией."
    assert "hidden_reason" not in shown["messages"][0]
    assert "скрыто администрацией" in answers[-2].content.decode()
    # restored
    restore = director.post(
        f"/api/v1/messages/messages/{message.pk}/restore/", {}, content_type=json
    )
    assert restore.status_code == 200 and restore.json()["body"] == secret


def _count(client, path, query=None) -> int:
    client.get(path, query or {})  # routing and sign-in caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, query or {}).status_code == 200
    return len(queries)


def test_the_thread_lists_and_a_thread_run_a_fixed_number_of_queries(school_a, school_b):
    c = cast(school_a)
    maths, mother = staff_client(school_a, c.maths_user), region_client(c.mother)
    first = start_from_mother(c)
    few = (
        _count(maths, THREADS), _count(maths, f"{THREADS}{first.pk}/"),
        _count(mother, FAMILY), _count(mother, f"{FAMILY}{first.pk}/", {"child": c.key}),
    )  # fmt: skip
    # many threads, many messages with files, a second child in another school
    b = cast(school_b, names=("Гусев", "Дятлов", "Ершов"))
    family(school_b, [b.pupils[1]], c.mother)
    with schema_context(school_b.schema_name):
        services.thread_start(
            actor=b.family(c.mother), student=b.pupils[1], subject="Кружок", body="Запишите",
            recipients=[b.lead_user.pk],
        )  # fmt: skip
    for i in range(10):
        start_from_mother(c, to=c.maths_user if i % 2 else c.lead_user, body=f"Вопрос {i}")
    with schema_context(school_a.schema_name):
        for i in range(12):
            services.message_post(
                actor=c.staff(c.maths_user) if i % 2 else c.family(c.mother), thread=first,
                body=f"Ответ {i}", files=[services.Upload(f"{i}.pdf", PDF)] if i % 3 else [],
            )  # fmt: skip
    many = (
        _count(maths, THREADS), _count(maths, f"{THREADS}{first.pk}/"),
        _count(mother, FAMILY), _count(mother, f"{FAMILY}{first.pk}/", {"child": c.key}),
    )  # fmt: skip
    assert mother.get(FAMILY).json()["results"].__len__() == 12
    assert few == many
    assert max(many) <= 15
