"""Messaging pages (DIA-08): the family's pages on the region's host and the staff's on the
school's host render, write through the services, and refuse whoever may not see a thread."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.messaging.models import Attachment, Message, Thread
from tenants.messaging.services import Upload
from tests.factories import region_client, school_client
from tests.tenants.diary.diary_kit import family
from tests.tenants.messaging.messaging_kit import EXE, PDF, cast, start_from_mother

pytestmark = pytest.mark.django_db


def staff_client(school, user) -> Client:
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    client.force_login(user)
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_guardian_writes_reads_and_answers_on_the_diary_pages(school_a, school_b):
    # given: two children in two schools
    c = cast(school_a)
    b = cast(school_b, names=("Гусев", "Дятлов", "Ершов"))
    family(school_b, [b.pupils[1]], c.mother)
    mother = region_client(c.mother)
    # the diary's header links to the messages
    assert 'href="/diary/messages/"' in _html(mother.get("/diary/", {"date": "2026-11-16"}))
    # the new message form: first the child, then the recipients allowed for that child
    choose = _html(mother.get("/diary/messages/new/"))
    assert "Алексеев Иван" in choose and "Дятлов Иван" in choose
    form = _html(mother.get("/diary/messages/new/", {"child": c.key}))
    assert "Математикова Анна Петровна" in form and "Классная Анна Петровна" in form
    assert "Чужая" not in form  # teaches 6А only
    # when: she writes to the class teacher with a file
    sent = mother.post("/diary/messages/new/", {
        "child": c.key, "recipient": c.lead_user.pk, "subject": "Справка",
        "body": "Прикладываю справку", "files": [SimpleUploadedFile("справка.pdf", PDF)],
    })  # fmt: skip
    # then
    with schema_context(school_a.schema_name):
        thread = Thread.objects.get()
        attachment = Attachment.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/diary/messages/{c.key}/{thread.pk}/"
    page = _html(mother.get(sent["Location"]))
    assert "Прикладываю справку" in page and "справка.pdf" in page
    file_url = f"/diary/messages/{c.key}/files/{attachment.pk}/"
    assert file_url in page and mother.get(file_url).content == PDF
    # the class teacher sees it unread, opens and answers
    lead = staff_client(school_a, c.lead_user)
    listed = _html(lead.get("/messages/"))
    assert 'data-testid="unread-total" title="Непрочитанные">1<' in listed
    assert "Справка" in listed and "Алексеев Иван Сергеевич" in listed
    assert "Прикладываю справку" in _html(lead.get(f"/messages/{thread.pk}/"))
    assert 'data-testid="unread-total"' not in _html(lead.get("/messages/"))
    answered = lead.post(f"/messages/{thread.pk}/", {"body": "Получила, спасибо"})
    assert answered.status_code == 302
    threads = _html(mother.get("/diary/messages/"))
    assert 'data-testid="unread-total"' in threads and "Справка" in threads
    assert "Получила, спасибо" in _html(mother.get(f"/diary/messages/{c.key}/{thread.pk}/"))
    # a reply with a renamed program is refused with a message, nothing written
    refused = mother.post(f"/diary/messages/{c.key}/{thread.pk}/", {
        "body": "Ещё файл", "files": [SimpleUploadedFile("фото.jpg", EXE)],
    })  # fmt: skip
    assert refused.status_code == 400 and "не JPG" in refused.content.decode()
    with schema_context(school_a.schema_name):
        assert Message.objects.count() == 2


def test_a_guardian_form_with_errors_keeps_what_was_typed(school_a):
    c = cast(school_a)
    mother = region_client(c.mother)
    answer = mother.post("/diary/messages/new/", {
        "child": c.key, "recipient": c.stranger_user.pk, "subject": "Тема", "body": "Мой текст",
    })  # fmt: skip
    assert answer.status_code == 400
    assert "Этому адресату нельзя написать" in answer.content.decode()
    assert "Мой текст" in answer.content.decode()


def test_family_pages_refuse_other_families_staff_and_other_hosts(school_a):
    c = cast(school_a)
    thread = start_from_mother(c, files=[Upload("a.pdf", PDF)])
    with schema_context(school_a.schema_name):
        attachment = Attachment.objects.get()
    other_key = f"{school_a.slug}.{c.pupils[1].pk}"
    other = region_client(c.other_mother)
    for path in (
        f"/diary/messages/{c.key}/{thread.pk}/", f"/diary/messages/{other_key}/{thread.pk}/",
        f"/diary/messages/{c.key}/files/{attachment.pk}/",
        f"/diary/messages/{other_key}/files/{attachment.pk}/",
    ):  # fmt: skip
        assert other.get(path).status_code == 404, path
        assert other.post(path, {"body": "Я"}).status_code in (404, 405), path
    assert "Контрольная" not in _html(other.get("/diary/messages/"))
    assert other.get("/diary/messages/new/", {"child": c.key}).status_code == 404
    director = region_client(c.director_user)  # staff have no diary
    assert director.get("/diary/messages/").status_code == 403
    assert region_client().get("/diary/messages/").status_code == 302  # to sign in
    on_school_host = staff_client(school_a, c.mother)
    assert on_school_host.get("/diary/messages/").status_code == 404
    assert on_school_host.get("/messages/").status_code == 403


def test_staff_pages_start_a_thread_and_refuse_non_participants(school_a):
    c = cast(school_a)
    maths = staff_client(school_a, c.maths_user)
    assert 'href="/messages/"' in _html(maths.get("/"))  # the staff menu
    choose = _html(maths.get("/messages/new/"))
    # the teacher may write about 5А's pupils, not 6А's
    assert "Алексеев Иван Сергеевич" in choose and "Шестаков" not in choose
    form = _html(maths.get("/messages/new/", {"student": c.pupils[0].pk}))
    assert "Родителева Ольга" in form and "Всем законным представителям" in form
    foreign = maths.get("/messages/new/", {"student": c.other_pupil.pk})
    assert foreign.status_code == 400 and "Родителева" not in foreign.content.decode()
    sent = maths.post("/messages/new/", {
        "student": c.pupils[0].pk, "all_guardians": "1", "subject": "Собрание",
        "body": "Собрание в четверг",
    })  # fmt: skip
    with schema_context(school_a.schema_name):
        thread = Thread.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/messages/{thread.pk}/"
    assert "Собрание в четверг" in _html(
        region_client(c.mother).get(f"/diary/messages/{c.key}/{thread.pk}/")
    )
    for user in (c.stranger_user, c.lead_user, c.deputy_user):
        client = staff_client(school_a, user)
        assert client.get(f"/messages/{thread.pk}/").status_code == 404
        assert client.post(f"/messages/{thread.pk}/", {"body": "Я"}).status_code == 404
        assert "Собрание" not in _html(client.get("/messages/"))
    for role in (SchoolRole.GUARDIAN, SchoolRole.STUDENT):
        assert school_client(school_a, role).get("/messages/").status_code == 403
    assert school_client(school_a).get("/messages/").status_code == 302
    huge = "9" * 30  # ids beyond any integer column are simply not found
    assert maths.get(f"/messages/{huge}/").status_code == 404
    assert maths.get(f"/messages/files/{huge}/").status_code == 404
    assert maths.get(f"/api/v1/messages/threads/{huge}/").status_code == 404
    mother = region_client(c.mother)
    assert mother.get(f"/diary/messages/{c.key}/{huge}/").status_code == 404


def test_the_director_hides_and_restores_on_the_thread_page(school_a):
    c = cast(school_a)
    thread = start_from_mother(c, body="Невежливое слово")
    with schema_context(school_a.schema_name):
        message = thread.messages.get()
    director = staff_client(school_a, c.director_user)
    every = _html(director.get("/messages/", {"all": "1"}))
    assert "Контрольная" in every
    page = _html(director.get(f"/messages/{thread.pk}/"))
    assert 'data-testid="hide"' in page and 'data-testid="moderator-note"' in page
    assert 'data-testid="reply"' not in page  # not a participant: reads, does not post
    # a teacher in the thread has no buttons, and cannot post to the director's URLs
    maths = staff_client(school_a, c.maths_user)
    assert 'data-testid="hide"' not in _html(maths.get(f"/messages/{thread.pk}/"))
    assert maths.post(f"/messages/messages/{message.pk}/hide/", {"reason": "x"}).status_code == 403
    deputy = staff_client(school_a, c.deputy_user)
    hide = f"/messages/messages/{message.pk}/hide/"
    assert deputy.post(hide, {"reason": "x"}).status_code == 403
    assert director.get(hide).status_code == 405
    # when
    done = director.post(hide, {"reason": "Грубость"})
    # then
    assert done.status_code == 302
    page = _html(director.get(f"/messages/{thread.pk}/"))
    assert "Невежливое слово" not in page and "Скрыто: Грубость" in page
    assert 'data-testid="restore"' in page
    with schema_context(school_a.schema_name):
        record = AuditRecord.objects.get(action="message.hide")
        assert record.source == "page" and record.actor_id == c.director_user.pk
    family_page = _html(region_client(c.mother).get(f"/diary/messages/{c.key}/{thread.pk}/"))
    assert "Невежливое слово" not in family_page and "Грубость" not in family_page
    assert re.search(r"Сообщение скрыто администрацией", family_page)
    director.post(f"/messages/messages/{message.pk}/restore/", {"reason": ""})
    assert "Невежливое слово" in _html(maths.get(f"/messages/{thread.pk}/"))
