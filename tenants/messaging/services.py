"""Writing messages (DIA-08): starting a thread, posting, read state, moderation.

The one path of the API and the pages on both hosts. Each service works out itself who the
actor is to the student (`access`), so a view cannot widen it. Posting needs no audit record
(correspondence is not school data to correct) and leaves the school's data version alone:
threads and unread counts are always read live, and a bump would throw away every family's
cached diary week of the school; moderation is audited in the same transaction.
Attachments are stored before the rows and deleted again when the transaction rolls back.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.audit.context import AuditContext
from services.storage import file_extension, objects_forget, sniff_type, upload_store
from tenants.audit.services import school_audit_append
from tenants.people.choices import StudentStatus
from tenants.people.models import Guardian, Student

from .access import (
    FAMILY,
    STAFF,
    Actor,
    Recipient,
    family_recipients,
    family_role,
    staff_member,
    staff_recipients,
    staff_role_towards,
)
from .models import Attachment, Message, Participant, Thread, ThreadRole
from .selectors import Access, thread_access

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200
BODY_MAX = 5000
REASON_MAX = 500
RECIPIENTS_MAX = 20
FILE_MAX_BYTES = 10 * 1024 * 1024
FILES_MAX = 5
# what both sides can open: documents, pictures, audio (the homework list)
FILE_EXTENSIONS = (
    ".pdf", ".docx", ".odt", ".pptx", ".xlsx", ".txt", ".jpg", ".jpeg", ".png", ".mp3",
)  # fmt: skip


@dataclass
class Upload:
    name: str
    data: bytes


def uploads_read(files) -> list[Upload]:
    """Uploaded files (Django's) read into memory, refusing the too large before reading."""
    errors: dict[str, list[str]] = {}
    out = []
    for i, upload in enumerate(files):
        if upload.size > FILE_MAX_BYTES:
            errors[f"files[{i}]"] = ["Файл больше 10 МБ."]
        else:
            out.append(Upload(upload.name or "", upload.read()))
    if errors:
        raise ValidationError(errors)
    return out


def _clean_name(name: str) -> str:
    """A file name fit to store and show: no folders, control characters or lone surrogates."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    return base.strip()[:200]


def _file_errors(files: Sequence[Upload], errors: dict[str, list[str]]) -> None:
    if len(files) > FILES_MAX:
        errors["files"] = [f"Не больше {FILES_MAX} файлов к сообщению."]
        return
    for i, upload in enumerate(files):
        name = _clean_name(upload.name)
        if not upload.data:
            errors[f"files[{i}]"] = ["Файл пуст."]
        elif len(upload.data) > FILE_MAX_BYTES:
            errors[f"files[{i}]"] = ["Файл больше 10 МБ."]
        elif file_extension(name) not in FILE_EXTENSIONS:
            errors[f"files[{i}]"] = [
                "Прикрепите PDF, DOCX, ODT, PPTX, XLSX, TXT, JPG, PNG или MP3."
            ]
        elif sniff_type(name, upload.data, FILE_EXTENSIONS) is None:
            errors[f"files[{i}]"] = [
                f"Содержимое файла «{name}» — не {file_extension(name)[1:].upper()}."
            ]


def _body_errors(body: str, files: Sequence[Upload], errors: dict[str, list[str]]) -> None:
    if not body.strip() and not files:
        errors["body"] = ["Напишите сообщение или прикрепите файл."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"Не длиннее {BODY_MAX} знаков."]
    _file_errors(files, errors)


def _store(message: Message, files: Sequence[Upload], stored: list[str]) -> None:
    for upload in files:
        name = _clean_name(upload.name)
        # `_file_errors` refused what is not the type its name says
        stored_file = upload_store(
            folder=f"schools/{connection.schema_name}/messages",
            name=name, data=upload.data, allowed=FILE_EXTENSIONS,
        )  # fmt: skip
        stored.append(stored_file.key)
        Attachment.objects.create(
            message=message,
            file_key=stored_file.key,
            file_name=name,
            content_type=stored_file.content_type,
            size=stored_file.size,
            sha256=stored_file.sha256,
        )


def _forget(keys: list[str]) -> None:
    objects_forget(keys, what="message attachment")


def _with_files(write):
    """Run `write(stored)` in a transaction; delete stored objects if it does not commit."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except Exception:
        _forget(stored)
        raise


def _post(thread: Thread, author: Participant, body: str, files, now: datetime, stored) -> Message:
    message = Message.objects.create(
        thread=thread, author_id=author.user_id, body=body.strip(), created_at=now
    )
    _store(message, files, stored)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    # what one writes, one has read
    Participant.objects.filter(pk=author.pk).update(last_read_id=message.pk, last_read_at=now)
    return message


def _actor_name(actor: Actor, role: str, student: Student) -> str:
    from otmetka.accounts.models import User
    from tenants.people.models import Staff

    if role == ThreadRole.STUDENT:
        return student.full_name
    if role == ThreadRole.GUARDIAN:
        guardian = Guardian.objects.filter(user_id=actor.user_id).first()
        if guardian is not None:
            return guardian.full_name
    else:
        staff = Staff.objects.filter(user_id=actor.user_id).first()
        if staff is not None:
            return staff.full_name
    user = User.objects.filter(pk=actor.user_id).first()
    return user.display_name if user is not None else str(actor.user_id)


def _role_towards(actor: Actor, student: Student) -> str:
    """The actor's role in a new thread about the student; 403 when they may not start one."""
    if actor.side == FAMILY:
        role = family_role(actor.user_id, student)
        if role is None:
            raise PermissionDenied("Писать можно только о своём ребёнке или о себе.")
        return role
    role = None
    if actor.side == STAFF and student.status == StudentStatus.STUDYING:
        role = staff_role_towards(staff_member(actor.user_id), student)
    if role is None:
        raise PermissionDenied(
            "Писать об обучающемся могут его учителя, классный руководитель и администрация."
        )
    return role


def _allowed(actor: Actor, student: Student) -> list[Recipient]:
    if actor.side == FAMILY:
        return staff_recipients(student, exclude=actor.user_id)
    return family_recipients(student, exclude=actor.user_id)


def recipients_for(*, actor: Actor, student: Student) -> list[Recipient]:
    """Whom the actor may write to about the student; 403 when they may not write about them."""
    _role_towards(actor, student)
    return _allowed(actor, student)


def thread_start(
    *,
    actor: Actor,
    student: Student,
    subject: str,
    body: str,
    recipients: Sequence[int] = (),
    all_guardians: bool = False,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Thread:
    """Start a thread about `student` with the first message.

    From the family side: a guardian of the student (link and web consent in force) or the
    student themselves, to their class teacher, teachers or the administration. From the staff
    side: the student's class teacher, teachers or the administration, to the student's
    guardians who may read the diary (all of them with `all_guardians`, or the chosen ones) or
    to the student. Anyone else: 403; a recipient not allowed: 400.
    """
    role = _role_towards(actor, student)
    allowed = {r.user_id: r for r in _allowed(actor, student)}
    chosen = list(dict.fromkeys(recipients))
    if all_guardians and actor.side == STAFF:
        guardians = [u for u, r in allowed.items() if r.role == ThreadRole.GUARDIAN]
        chosen += [u for u in guardians if u not in chosen]
    errors: dict[str, list[str]] = {}
    subject = subject.strip()
    if not subject:
        errors["subject"] = ["Укажите тему."]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [f"Не длиннее {SUBJECT_MAX} знаков."]
    if not chosen:
        errors["recipients"] = ["Выберите, кому написать."]
    elif len(chosen) > RECIPIENTS_MAX:
        errors["recipients"] = [f"Не больше {RECIPIENTS_MAX} получателей."]
    elif any(u not in allowed for u in chosen):
        errors["recipients"] = ["Этому адресату нельзя написать об этом обучающемся."]
    _body_errors(body, files, errors)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    name = _actor_name(actor, role, student)

    def write(stored: list[str]) -> Thread:
        thread = Thread.objects.create(
            subject=subject, student=student, created_by=actor.user_id, created_at=now,
            last_message_at=now,
        )  # fmt: skip
        author = Participant.objects.create(
            thread=thread, user_id=actor.user_id, role=role, name=name, joined_at=now
        )
        Participant.objects.bulk_create(
            Participant(
                thread=thread, user_id=u, role=allowed[u].role, name=allowed[u].name[:320],
                joined_at=now,
            )
            for u in chosen
        )  # fmt: skip
        _post(thread, author, body, files, now, stored)
        return thread

    return _with_files(write)


def message_post(
    *,
    actor: Actor,
    thread: Thread,
    body: str,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Message:
    """A reply in a thread, by one of its participants whose access holds now (404 for anyone
    else; the moderator reads but does not post where they are not a participant: 403)."""
    access = thread_access(actor, thread)
    if access.participant is None:
        raise PermissionDenied("Писать в переписку могут только её участники.")
    errors: dict[str, list[str]] = {}
    _body_errors(body, files, errors)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    author = access.participant
    return _with_files(lambda stored: _post(thread, author, body, files, now, stored))


def thread_mark_read(*, access: Access, up_to: int | None, now: datetime | None = None) -> None:
    """Mark the thread read up to the message `up_to` for the participant (never backwards).
    Reading changes no school data: no audit record, no data version."""
    if access.participant is None or up_to is None:
        return
    Participant.objects.filter(pk=access.participant.pk).filter(
        Q(last_read_id__isnull=True) | Q(last_read_id__lt=up_to)
    ).update(last_read_id=up_to, last_read_at=now or timezone.now())


def _require_moderator(actor: Actor) -> None:
    if actor.side != STAFF or not staff_member(actor.user_id).is_moderator:
        raise PermissionDenied("Скрывать и возвращать сообщения может директор школы.")


@transaction.atomic
def message_hide(
    *, ctx: AuditContext, actor: Actor, message: Message, reason: str, now: datetime | None = None
) -> Message:
    """The director hides a message: its text and files are no longer shown to anyone; audited
    with the reason."""
    _require_moderator(actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    reason = reason.strip()
    if message.hidden_at is not None:
        raise ValidationError({"message": ["Сообщение уже скрыто."]})
    if not reason:
        raise ValidationError({"reason": ["Укажите причину."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Не длиннее {REASON_MAX} знаков."]})
    message.hidden_at, message.hidden_by, message.hidden_reason = (
        now or timezone.now(), actor.user_id, reason,
    )  # fmt: skip
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    school_audit_append(
        ctx=ctx,
        action="message.hide",
        obj=message,
        old={"hidden": False},
        new={"hidden": True, "thread": message.thread_id, "author": message.author_id},
        reason=reason,
    )
    return message


@transaction.atomic
def message_restore(
    *, ctx: AuditContext, actor: Actor, message: Message, reason: str = ""
) -> Message:
    """The director shows a hidden message again; audited."""
    _require_moderator(actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.hidden_at is None:
        raise ValidationError({"message": ["Сообщение не скрыто."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Не длиннее {REASON_MAX} знаков."]})
    old = {"hidden": True, "hidden_by": message.hidden_by, "reason": message.hidden_reason}
    message.hidden_at, message.hidden_by, message.hidden_reason = None, None, ""
    message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    school_audit_append(
        ctx=ctx,
        action="message.restore",
        obj=message,
        old=old,
        new={"hidden": False, "thread": message.thread_id},
        reason=reason.strip(),
    )
    return message
