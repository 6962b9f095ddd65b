"""Messaging rules (DIA-08, DIA-03), by direct calls to the services with the right and the
wrong actor: who may write to whom about which student, who reads, read state, moderation,
attachments."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.chain import audit_verify
from tenants.audit.models import AuditRecord
from tenants.audit.versions import data_versions
from tenants.messaging import selectors, services
from tenants.messaging.access import FAMILY, STAFF, Actor
from tenants.messaging.models import Attachment, Message, Participant
from tenants.people import consents
from tenants.people.models import Consent, GuardianLink, PersonalDataAccess
from tests.factories import UserFactory, school_user
from tests.tenants.diary.diary_kit import family
from tests.tenants.messaging.messaging_kit import EXE, PDF, PNG, cast, start_from_mother
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
Upload = services.Upload


def _objects(schema: str) -> set[str]:
    root = Path(settings.OBJECTS_DIR) / "schools" / schema / "messages"
    return {p.name for p in root.glob("*")} if root.exists() else set()


def _start(c, actor, student, to, **kwargs):
    return services.thread_start(
        actor=actor, student=student, subject=kwargs.pop("subject", "Тема"),
        body=kwargs.pop("body", "Текст"), recipients=[u.pk for u in to], **kwargs,
    )  # fmt: skip


# --- who may write to whom


def test_a_guardian_writes_to_the_childs_teachers_class_teacher_and_administration(school_a):
    # given
    c = cast(school_a)
    with schema_context(school_a.schema_name):
        # when
        allowed = services.recipients_for(actor=c.family(c.mother), student=c.pupils[0])
        # then: the class teacher first, the teachers (maths to the class, English to her
        # group), then the director, the deputy, the school admin — not the 6А teacher
        assert [(r.user_id, r.role) for r in allowed] == [
            (c.lead_user.pk, "class_teacher"),
            (c.english_user.pk, "teacher"),
            (c.maths_user.pk, "teacher"),
            (c.director_user.pk, "admin"),
            (c.deputy_user.pk, "admin"),
            (c.admin_user.pk, "admin"),
        ]
        assert allowed[2].detail == "Математика" and allowed[1].detail == "Иностранный язык"
        assert allowed[3].name == "Директорова Анна Петровна" and allowed[3].detail == "Директор"
        # the English group is hers only: her classmate's guardian cannot write to its teacher
        classmate = services.recipients_for(actor=c.family(c.other_mother), student=c.pupils[1])
        assert c.english_user.pk not in {r.user_id for r in classmate}
        for to in (c.maths_user, c.lead_user, c.english_user, c.director_user, c.admin_user):
            thread = _start(c, c.family(c.mother), c.pupils[0], [to])
            roles = dict(thread.participants.values_list("user_id", "role"))
            assert roles[c.mother.pk] == "guardian" and to.pk in roles and len(roles) == 2


def test_a_guardian_may_not_write_to_a_teacher_who_does_not_teach_the_child(school_a):
    c = cast(school_a)
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as refused:
            _start(c, c.family(c.mother), c.pupils[0], [c.stranger_user])
        assert "recipients" in refused.value.message_dict
        with pytest.raises(ValidationError):  # nor to another parent
            _start(c, c.family(c.mother), c.pupils[0], [c.other_mother])
        assert not Message.objects.exists()


def test_a_guardian_may_not_write_about_another_familys_child(school_a):
    c = cast(school_a)
    with schema_context(school_a.schema_name):
        for student in (c.pupils[1], c.pupils[2], c.other_pupil):
            with pytest.raises(PermissionDenied):
                _start(c, c.family(c.mother), student, [c.lead_user])
            with pytest.raises(PermissionDenied):
                services.recipients_for(actor=c.family(c.mother), student=student)


def test_a_student_writes_about_themselves_only(school_a):
    c = cast(school_a)
    with schema_context(school_a.schema_name):
        thread = _start(c, c.family(c.pupil_user), c.pupils[2], [c.lead_user])
        assert dict(thread.participants.values_list("user_id", "role")) == {
            c.pupil_user.pk: "student", c.lead_user.pk: "class_teacher",
        }  # fmt: skip
        with pytest.raises(PermissionDenied):
            _start(c, c.family(c.pupil_user), c.pupils[0], [c.lead_user])


def test_staff_of_the_child_write_to_the_guardians_or_the_student(school_a):
    c = cast(school_a)
    with schema_context(school_a.schema_name):
        father = UserFactory(last_name="Папин")
    family(school_a, [c.pupils[0]], father)  # a second guardian, with a web consent
    email_only = UserFactory(last_name="Почтовая")
    family(school_a, [c.pupils[0]], email_only, channels=("email",))
    with schema_context(school_a.schema_name):
        allowed = services.recipients_for(actor=c.staff(c.maths_user), student=c.pupils[0])
        assert {(r.user_id, r.role) for r in allowed} == {
            (c.mother.pk, "guardian"), (father.pk, "guardian"),
        }  # the one who chose e-mail only does not read the diary  # fmt: skip
        thread = _start(c, c.staff(c.maths_user), c.pupils[0], [], all_guardians=True)
        assert dict(thread.participants.values_list("user_id", "role")) == {
            c.maths_user.pk: "teacher", c.mother.pk: "guardian", father.pk: "guardian",
        }  # fmt: skip
        chosen = _start(c, c.staff(c.lead_user), c.pupils[0], [father])
        assert set(chosen.participants.values_list("role", flat=True)) == {
            "class_teacher", "guardian",
        }  # fmt: skip
        to_pupil = _start(c, c.staff(c.director_user), c.pupils[2], [c.pupil_user])
        assert dict(to_pupil.participants.values_list("user_id", "role")) == {
            c.director_user.pk: "admin", c.pupil_user.pk: "student",
        }  # fmt: skip
        with pytest.raises(ValidationError):
            _start(c, c.staff(c.maths_user), c.pupils[0], [email_only])
        with pytest.raises(ValidationError):  # a student is not a recipient about another
            _start(c, c.staff(c.maths_user), c.pupils[0], [c.pupil_user])


def test_staff_who_do_not_teach_the_child_may_not_write_about_them(school_a):
    c = cast(school_a)
    clerk = school_user(school_a, SchoolRole.RECORDS_CLERK)
    with schema_context(school_a.schema_name):
        for user in (c.stranger_user, c.english_user, clerk):
            student = c.pupils[1]  # English is taught to a group without her
            with pytest.raises(PermissionDenied):
                _start(c, c.staff(user), student, [c.other_mother])
            with pytest.raises(PermissionDenied):
                services.recipients_for(actor=c.staff(user), student=student)
        # a guardian or a student cannot act as staff, nor staff as family
        for actor in (c.staff(c.mother), c.staff(c.pupil_user), c.family(c.maths_user)):
            with pytest.raises(PermissionDenied):
                _start(c, actor, c.pupils[0], [c.lead_user])


def test_accounts_of_another_school_are_refused(school_a, school_b):
    c = cast(school_a)
    director_b = school_user(school_b, SchoolRole.DIRECTOR, SchoolRole.SUBJECT_TEACHER)
    guardian_b = UserFactory()
    SchoolMembership.objects.create(user=guardian_b, school=school_b, roles=["guardian"])
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        with pytest.raises(PermissionDenied):
            _start(c, Actor(director_b.pk, STAFF), c.pupils[0], [c.mother])
        with pytest.raises(PermissionDenied):
            selectors.thread_page(Actor(director_b.pk, STAFF), thread.pk)
        with pytest.raises(Http404):
            selectors.thread_page(Actor(guardian_b.pk, FAMILY), thread.pk)
    with schema_context(school_b.schema_name):  # the thread is not in school B at all
        with pytest.raises(Http404):
            selectors.thread_get(thread.pk)


# --- reading, posting, read state


def test_only_participants_read_and_post(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        page = selectors.thread_page(c.staff(c.maths_user), thread.pk)
        assert page.access.can_post and [m.body for m in page.messages] == [
            "Здравствуйте! Вопрос о контрольной."
        ]
        services.message_post(actor=c.staff(c.maths_user), thread=thread, body="Добрый день!")
        # the class teacher, the English teacher (teaches her too), the deputy, another family
        for actor in (
            c.staff(c.lead_user), c.staff(c.english_user), c.staff(c.stranger_user),
            c.staff(c.deputy_user), c.staff(c.admin_user), c.family(c.other_mother),
            c.family(c.pupil_user),
        ):  # fmt: skip
            with pytest.raises(Http404):
                selectors.thread_page(actor, thread.pk)
            with pytest.raises(Http404):
                services.message_post(actor=actor, thread=thread, body="Можно мне?")
        # the family side names the child the thread is about
        with pytest.raises(Http404):
            selectors.thread_page(c.family(c.mother), thread.pk, student_id=c.pupils[1].pk)
        assert Message.objects.filter(thread=thread).count() == 2


def test_unread_counts_per_thread_and_in_total(school_a):
    c = cast(school_a)
    first = start_from_mother(c)
    second = start_from_mother(c, body="И ещё вопрос")
    with schema_context(school_a.schema_name):
        maths = c.staff(c.maths_user)
        rows = selectors.thread_rows(selectors.staff_threads(maths))
        assert {r["id"]: r["unread"] for r in rows} == {first.pk: 1, second.pk: 1}
        assert selectors.staff_unread_total(maths) == 2
        services.message_post(actor=c.family(c.mother), thread=first, body="Уточню: 5А")
        assert selectors.staff_unread_total(maths) == 3
        # when the teacher opens the first thread
        page = selectors.thread_page(maths, first.pk)
        assert [m.pk > page.last_read_id for m in page.messages] == [True, True]
        services.thread_mark_read(access=page.access, up_to=page.last_id)
        # then
        rows = selectors.thread_rows(selectors.staff_threads(maths))
        assert {r["id"]: r["unread"] for r in rows} == {first.pk: 0, second.pk: 1}
        assert rows[0]["id"] == first.pk  # the newest message first
        # one's own messages are never unread
        services.message_post(actor=maths, thread=second, body="Отвечаю")
        assert selectors.staff_unread_total(maths) == 0
        mother_rows = selectors.family_threads(
            [child for child in _family(c.mother).children], c.mother.pk
        )
        assert mother_rows.unread_total == 1
        assert {r["id"]: r["unread"] for r in mother_rows.threads} == {first.pk: 0, second.pk: 1}
        # reading never goes backwards
        services.thread_mark_read(access=page.access, up_to=page.messages[0].pk)
        assert Participant.objects.get(thread=first, user_id=c.maths_user.pk).last_read_id == (
            page.last_id
        )


def _family(user):
    from tenants.diary.family import family_of

    return family_of(user.pk)


def test_posting_leaves_the_diarys_caches_and_appends_no_audit_record(school_a):
    # messages are read live (no cached view shows them), so a message must not throw away
    # every family's cached week of the school
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        records = AuditRecord.objects.count()
        before = data_versions([school_a.schema_name])[school_a.schema_name]
        services.message_post(actor=c.staff(c.maths_user), thread=thread, body="Ответ")
        after = data_versions([school_a.schema_name])[school_a.schema_name]
        assert after == before
        assert AuditRecord.objects.count() == records


def test_an_ended_link_closes_the_thread_at_once(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        assert selectors.thread_page(c.family(c.mother), thread.pk).access.can_post
        GuardianLink.objects.filter(student=c.pupils[0], guardian__user_id=c.mother.pk).update(
            ended_at=kit.YEAR_START
        )
        with pytest.raises(Http404):
            selectors.thread_page(c.family(c.mother), thread.pk)
        with pytest.raises(Http404):
            services.message_post(actor=c.family(c.mother), thread=thread, body="Ещё")
        with pytest.raises(PermissionDenied):
            _start(c, c.family(c.mother), c.pupils[0], [c.lead_user])
        # and staff can no longer address her
        allowed = services.recipients_for(actor=c.staff(c.maths_user), student=c.pupils[0])
        assert c.mother.pk not in {r.user_id for r in allowed}
        # the teacher still reads the history
        assert selectors.thread_page(c.staff(c.maths_user), thread.pk).access.can_post


def test_a_withdrawn_consent_closes_the_thread_at_once(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        consent = Consent.objects.get(student=c.pupils[0], guardian__user_id=c.mother.pk)
        consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Заявление об отзыве")
        with pytest.raises(Http404):
            selectors.thread_page(c.family(c.mother), thread.pk)
        with pytest.raises(Http404):
            services.message_post(actor=c.family(c.mother), thread=thread, body="Ещё")
        listed = selectors.family_threads(_family(c.mother).children, c.mother.pk)
        assert listed.threads == []  # the diary no longer lists the child


def test_a_deactivated_guardian_membership_closes_the_thread(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    SchoolMembership.objects.filter(user=c.mother).update(is_active=False)
    with schema_context(school_a.schema_name), pytest.raises(Http404):
        selectors.thread_page(c.family(c.mother), thread.pk)


# --- moderation


def test_the_director_hides_and_restores_a_message_audited(school_a):
    c = cast(school_a)
    thread = start_from_mother(c, body="Грубый текст")
    with schema_context(school_a.schema_name):
        message = thread.messages.get()
        director = c.staff(c.director_user)
        # the director reads the thread as moderator, without being in it (logged, PDN-06)
        page = selectors.thread_page(director, thread.pk)
        assert page.access.moderator and not page.access.can_post
        logged = PersonalDataAccess.objects.get(what="messages.thread")
        assert logged.actor_id == c.director_user.pk and logged.query == f"thread={thread.pk}"
        selectors.thread_page(c.staff(c.maths_user), thread.pk)  # a participant: not logged
        assert PersonalDataAccess.objects.filter(what="messages.thread").count() == 1
        with pytest.raises(PermissionDenied):
            services.message_post(actor=director, thread=thread, body="Вмешаюсь")
        # when
        services.message_hide(ctx=kit.CTX, actor=director, message=message, reason="Оскорбление")
        # then: audited in the chain, with the reason
        record = AuditRecord.objects.get(action="message.hide")
        assert record.object_id == str(message.pk) and record.reason == "Оскорбление"
        assert "Грубый текст" not in str(record.old) + str(record.new)
        assert audit_verify(AuditRecord).ok
        for actor in (c.family(c.mother), c.staff(c.maths_user), director):
            shown = selectors.thread_json(selectors.thread_page(actor, thread.pk))
            assert "Грубый текст" not in str(shown)
            assert shown["messages"][0]["body"] == "Сообщение скрыто администрацией."
            assert shown["messages"][0]["hidden"] is True
            assert ("hidden_reason" in shown["messages"][0]) is (actor is director)
        # a hidden message is no longer unread
        assert selectors.staff_unread_total(c.staff(c.maths_user)) == 0
        with pytest.raises(ValidationError):  # twice
            services.message_hide(ctx=kit.CTX, actor=director, message=message, reason="Ещё")
        services.message_restore(ctx=kit.CTX, actor=director, message=message, reason="Ошибка")
        assert AuditRecord.objects.filter(action="message.restore", reason="Ошибка").exists()
        shown = selectors.thread_json(selectors.thread_page(c.family(c.mother), thread.pk))
        assert shown["messages"][0]["body"] == "Грубый текст"


def test_only_the_director_moderates(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        message = thread.messages.get()
        for actor in (
            c.staff(c.deputy_user), c.staff(c.admin_user), c.staff(c.maths_user),
            c.family(c.mother), Actor(c.director_user.pk, FAMILY),
        ):  # fmt: skip
            with pytest.raises(PermissionDenied):
                services.message_hide(ctx=kit.CTX, actor=actor, message=message, reason="Нет")
        with pytest.raises(ValidationError) as refused:
            services.message_hide(
                ctx=kit.CTX, actor=c.staff(c.director_user), message=message, reason="  "
            )
        assert "reason" in refused.value.message_dict
        assert not Message.objects.filter(hidden_at__isnull=False).exists()
        assert not AuditRecord.objects.filter(action__startswith="message.").exists()


# --- attachments


def test_attachments_are_checked_by_content_and_read_by_participants_only(school_a):
    c = cast(school_a)
    before = _objects(school_a.schema_name)
    start_from_mother(c, files=[Upload("справка.pdf", PDF), Upload("фото.png", PNG)], body="")
    with schema_context(school_a.schema_name):
        attachments = list(Attachment.objects.order_by("pk"))
        assert [(a.file_name, a.content_type, a.size) for a in attachments] == [
            ("справка.pdf", "application/pdf", len(PDF)), ("фото.png", "image/png", len(PNG)),
        ]  # fmt: skip
        assert len(_objects(school_a.schema_name) - before) == 2
        for actor in (c.staff(c.maths_user), c.family(c.mother), c.staff(c.director_user)):
            assert selectors.attachment_get(actor, attachments[0].pk) == attachments[0]
        for actor in (c.staff(c.lead_user), c.family(c.other_mother), c.staff(c.deputy_user)):
            with pytest.raises(Http404):
                selectors.attachment_get(actor, attachments[0].pk)
        with pytest.raises(Http404):  # through another child's key
            selectors.attachment_get(
                c.family(c.mother), attachments[0].pk, student_id=c.pupils[1].pk
            )
        # hidden with its message: nobody downloads it
        services.message_hide(
            ctx=kit.CTX, actor=c.staff(c.director_user), message=attachments[0].message,
            reason="Личные данные",
        )  # fmt: skip
        for actor in (c.staff(c.maths_user), c.family(c.mother), c.staff(c.director_user)):
            with pytest.raises(Http404):
                selectors.attachment_get(actor, attachments[0].pk)


def test_a_renamed_program_and_bad_files_are_refused_and_nothing_is_stored(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    before = _objects(school_a.schema_name)
    with schema_context(school_a.schema_name):
        messages = Message.objects.count()
        cases = {
            "renamed": [Upload("задание.pdf", EXE)],
            "program": [Upload("setup.exe", EXE)],
            "empty": [Upload("пусто.pdf", b"")],
            "many": [Upload(f"{i}.pdf", PDF) for i in range(6)],
        }
        for name, files in cases.items():
            with pytest.raises(ValidationError) as refused:
                services.message_post(
                    actor=c.staff(c.maths_user), thread=thread, body="Файл", files=files
                )
            assert any(k.startswith("files") for k in refused.value.message_dict), name
        with pytest.raises(ValidationError):  # also when starting a thread
            start_from_mother(c, files=[Upload("фото.jpg", EXE)])
        assert Message.objects.count() == messages
        assert not Attachment.objects.exists()
    assert _objects(school_a.schema_name) == before


def test_empty_or_too_long_messages_are_refused(school_a):
    c = cast(school_a)
    thread = start_from_mother(c)
    with schema_context(school_a.schema_name):
        for body in ("   ", "я" * (services.BODY_MAX + 1)):
            with pytest.raises(ValidationError) as refused:
                services.message_post(actor=c.staff(c.maths_user), thread=thread, body=body)
            assert "body" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            _start(c, c.family(c.mother), c.pupils[0], [], subject="")
        assert {"subject", "recipients"} <= set(refused.value.message_dict)
