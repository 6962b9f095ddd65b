"""Reading messages (DIA-08): thread lists with unread counts, a thread page, an attachment.

- A thread is read by its participants whose access holds now (`access`), and by the director
  as moderator (their reading of a thread they are not in is logged, PDN-06). Anyone else gets
  404: a thread that is not yours does not exist.
- A hidden message is shown as "Сообщение скрыто администрацией." to everyone, the director
  included: its text and files never leave the database.
- Lists run a fixed number of queries: the unread counts and the other participants' names are
  subqueries of the one list query; a family's threads in several schools are one query
  (`tenants.school.across.rows_across`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from tenants.people.choices import StudentStatus
from tenants.people.models import (
    ClassMembership,
    GroupMembership,
    Student,
    Teaching,
    full_name,
)
from tenants.people.selectors import current, led_class_ids, personal_data_logged
from tenants.school.across import rows_across

from .access import FAMILY, Actor, family_role, staff_member
from .models import FAMILY_ROLES, STAFF_ROLES, Attachment, Message, Participant, Thread

HIDDEN_TEXT = "Сообщение скрыто администрацией."
LIST_COLUMNS = (
    "pk", "subject", "student_id", "student__last_name", "student__first_name",
    "student__middle_name", "created_at", "last_message_at", "my_role", "unread", "others",
)  # fmt: skip


@dataclass(frozen=True)
class Access:
    participant: Participant | None  # None: the director reading as moderator
    moderator: bool = False

    @property
    def can_post(self) -> bool:
        return self.participant is not None


def _not_found() -> Http404:
    return Http404("Нет такой переписки.")


def thread_access(actor: Actor, thread: Thread) -> Access:
    """How the actor may use the thread; 404 when they may not see it at all, 403 when they may
    not use messages from that side (not staff of the school)."""
    participant = Participant.objects.filter(thread=thread, user_id=actor.user_id).first()
    if actor.side == FAMILY:
        if participant is None or participant.role not in FAMILY_ROLES:
            raise _not_found()
        if family_role(actor.user_id, thread.student) != participant.role:
            raise _not_found()  # the link ended, the consent was withdrawn, the student left
        return Access(participant)
    member = staff_member(actor.user_id)
    if not member.is_staff:
        raise PermissionDenied("Переписка школы открыта её сотрудникам.")
    if participant is not None and participant.role in STAFF_ROLES:
        return Access(participant, member.is_moderator)
    if member.is_moderator:
        return Access(None, True)
    raise _not_found()


def _annotated(threads: QuerySet[Thread], user_id: int) -> QuerySet[Thread]:
    """Each thread with the caller's role in it, their unread count (others' messages after the
    last one they read, hidden ones left out) and the other participants' names."""
    mine = Participant.objects.filter(thread=OuterRef("pk"), user_id=user_id)
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), pk__gt=OuterRef("my_read"))
        .filter(hidden_at__isnull=True)
        .exclude(author_id=user_id)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    others = (
        Participant.objects.filter(thread=OuterRef("pk"))
        .exclude(user_id=user_id)
        .order_by()
        .values("thread")
        .annotate(names=StringAgg("name", delimiter=", ", order_by="pk"))
        .values("names")
    )
    return threads.annotate(
        my_role=Subquery(mine.values("role")[:1]),
        my_read=Coalesce(
            Subquery(mine.values("last_read_id")[:1]), Value(0), output_field=BigIntegerField()
        ),
        unread=Coalesce(Subquery(unread), Value(0)),
        others=Coalesce(Subquery(others), Value(""), output_field=TextField()),
    )


def thread_row(values: tuple) -> dict:
    """A list row (`LIST_COLUMNS`) shaped for the API and the pages."""
    row = dict(zip(LIST_COLUMNS, values, strict=True))
    return {
        "id": row["pk"],
        "subject": row["subject"],
        "student": {
            "id": row["student_id"],
            "name": full_name(
                row["student__last_name"], row["student__first_name"], row["student__middle_name"]
            ),
        },
        "correspondents": row["others"],
        "my_role": row["my_role"] or "",
        "unread": row["unread"] if row["my_role"] else 0,
        "created_at": row["created_at"],
        "last_message_at": row["last_message_at"],
    }


def staff_threads(
    actor: Actor, *, everything: bool = False, threads: QuerySet[Thread] | None = None
) -> QuerySet[Thread]:
    """The threads a member of staff takes part in; with `everything`, the director sees every
    thread of the school (moderation). 403 for a caller who is not staff of the school."""
    member = staff_member(actor.user_id)
    if not member.is_staff:
        raise PermissionDenied("Переписка школы открыта её сотрудникам.")
    threads = Thread.objects.all() if threads is None else threads
    if not (everything and member.is_moderator):
        threads = threads.filter(
            Exists(
                Participant.objects.filter(
                    thread=OuterRef("pk"), user_id=actor.user_id, role__in=STAFF_ROLES
                )
            )
        )
    return _annotated(threads, actor.user_id).order_by("-last_message_at", "-pk")


def thread_rows(threads: QuerySet[Thread]) -> list[dict]:
    return [thread_row(values) for values in threads.values_list(*LIST_COLUMNS)]


def staff_unread_total(actor: Actor) -> int:
    """Unread messages in all the staff member's own threads (one query)."""
    own = _annotated(
        Thread.objects.filter(
            Exists(
                Participant.objects.filter(
                    thread=OuterRef("pk"), user_id=actor.user_id, role__in=STAFF_ROLES
                )
            )
        ),
        actor.user_id,
    )
    return own.aggregate(total=Sum("unread"))["total"] or 0


def _family_part(user_id: int, guardian_of: list[int], own: list[int]) -> QuerySet:
    def taking_part(role: str):
        return Exists(Participant.objects.filter(thread=OuterRef("pk"), user_id=user_id, role=role))

    threads = Thread.objects.filter(
        (Q(student_id__in=guardian_of) & taking_part("guardian"))
        | (Q(student_id__in=own) & taking_part("student"))
    )
    return _annotated(threads, user_id).values_list(*LIST_COLUMNS)


@dataclass
class FamilyThreads:
    threads: list[dict] = field(default_factory=list)
    unread_total: int = 0


def family_threads(children: list, user_id: int) -> FamilyThreads:
    """The threads about `children` (a family's `Child` rows, possibly in several schools) that
    the account takes part in, newest first, with unread counts — one query for all schools.
    The children come from `tenants.diary.family.family_of`, so a link ended or a consent
    withdrawn has already removed the child."""
    by_school: dict[str, tuple[object, list[int], list[int]]] = {}
    for child in children:
        _, guardian_of, own = by_school.setdefault(child.school.schema, (child, [], []))
        (own if child.role == "student" else guardian_of).append(child.student_id)
    parts = [
        (schema, _family_part(user_id, guardian_of, own))
        for schema, (_, guardian_of, own) in by_school.items()
    ]
    keys = {(c.school.schema, c.student_id): c for c in children}
    out = FamilyThreads()
    for schema, *values in rows_across(parts):
        row = thread_row(tuple(values))
        child = keys[(schema, row["student"]["id"])]
        row["child"] = {"key": child.key, "name": child.name, "school": child.school.name}
        out.threads.append(row)
        out.unread_total += row["unread"]
    out.threads.sort(key=lambda r: (r["last_message_at"], r["id"]), reverse=True)
    return out


@dataclass
class ThreadPage:
    thread: Thread
    access: Access
    participants: list[Participant]
    messages: list[Message]
    last_read_id: int  # before this opening: what is new to the reader

    @property
    def last_id(self) -> int | None:
        return self.messages[-1].pk if self.messages else None


def thread_get(thread_id: int, student_id: int | None = None) -> Thread:
    threads = Thread.objects.select_related("student").filter(pk=thread_id)
    if student_id is not None:
        threads = threads.filter(student_id=student_id)
    thread = threads.first()
    if thread is None:
        raise _not_found()
    return thread


def thread_page(actor: Actor, thread_id: int, *, student_id: int | None = None) -> ThreadPage:
    """A thread with its participants and messages (files prefetched), for a reader whose
    access holds; the family side names the child (`student_id`) the thread must be about."""
    thread = thread_get(thread_id, student_id)
    access = thread_access(actor, thread)
    participants = list(thread.participants.order_by("pk"))
    messages = list(thread.messages.order_by("pk").prefetch_related("attachments"))
    if access.participant is None:  # the director reading as moderator (PDN-06)
        personal_data_logged(
            caller=Caller(user_id=actor.user_id, school_roles=frozenset({"director"})),
            what="messages.thread",
            count=len(messages),
            query=f"thread={thread.pk}",
        )
    last_read = access.participant.last_read_id if access.participant else None
    return ThreadPage(thread, access, participants, messages, last_read or 0)


def message_for_moderation(actor: Actor, message_id: int) -> Message:
    """A message of the school, for the director (the service checks the role again)."""
    member = staff_member(actor.user_id)
    if not member.is_moderator:
        raise PermissionDenied("Скрывать и возвращать сообщения может директор школы.")
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise Http404("Нет такого сообщения.")
    return message


def attachment_get(actor: Actor, attachment_id: int, *, student_id: int | None = None):
    """A file of a message the actor may read (404 otherwise, and for hidden messages)."""
    attachment = (
        Attachment.objects.select_related("message__thread__student")
        .filter(pk=attachment_id, message__hidden_at__isnull=True)
        .first()
    )
    if attachment is None or (
        student_id is not None and attachment.message.thread.student_id != student_id
    ):
        raise Http404("Нет такого файла.")
    thread_access(actor, attachment.message.thread)
    return attachment


# --- shaping for the API and the pages


def message_json(message: Message, names: dict[int, Participant], access: Access, last_read: int):
    hidden = message.hidden_at is not None
    author = names.get(message.author_id)
    out = {
        "id": message.pk,
        "author": {
            "user_id": message.author_id,
            "name": author.name if author else "",
            "role": author.role if author else "",
            "role_label": author.get_role_display() if author else "",
        },
        "mine": access.participant is not None and message.author_id == access.participant.user_id,
        "new": access.participant is not None
        and message.pk > last_read
        and message.author_id != access.participant.user_id,
        "created_at": message.created_at,
        "hidden": hidden,
        "body": HIDDEN_TEXT if hidden else message.body,
        "attachments": []
        if hidden
        else [
            {"id": a.pk, "name": a.file_name, "size": a.size, "content_type": a.content_type}
            for a in message.attachments.all()
        ],
    }
    if access.moderator:
        out["hidden_reason"] = message.hidden_reason if hidden else ""
    return out


def thread_json(page: ThreadPage) -> dict:
    names = {p.user_id: p for p in page.participants}
    thread = page.thread
    return {
        "id": thread.pk,
        "subject": thread.subject,
        "student": {"id": thread.student_id, "name": thread.student.full_name},
        "created_at": thread.created_at,
        "last_message_at": thread.last_message_at,
        "participants": [
            {
                "user_id": p.user_id,
                "name": p.name,
                "role": p.role,
                "role_label": p.get_role_display(),
            }
            for p in page.participants
        ],
        "can_post": page.access.can_post,
        "moderator": page.access.moderator,
        "messages": [message_json(m, names, page.access, page.last_read_id) for m in page.messages],
    }


# --- whom a member of staff may write about


def students_for_staff(actor: Actor) -> QuerySet[Student]:
    """The studying students a member of staff may start a thread about: everyone for the
    administration; their class's and the classes' and groups' they teach now for teachers."""
    member = staff_member(actor.user_id)
    on = timezone.localdate()
    students = Student.objects.filter(status=StudentStatus.STUDYING)
    if not member.is_staff:
        return students.none()
    if not member.is_admin:
        if member.staff is None:
            return students.none()
        taught = current(Teaching.objects.filter(staff=member.staff), on)
        classes = current(ClassMembership.objects.all(), on).filter(
            Q(school_class_id__in=taught.values("school_class_id"))
            | Q(school_class_id__in=led_class_ids(member.staff, on))
        )
        groups = current(GroupMembership.objects.all(), on).filter(
            group_id__in=taught.filter(group__isnull=False).values("group_id")
        )
        students = students.filter(
            Q(pk__in=classes.values("student_id")) | Q(pk__in=groups.values("student_id"))
        )
    now_in = current(ClassMembership.objects.filter(student=OuterRef("pk")), on)
    return students.annotate(
        class_grade=Subquery(now_in.values("school_class__grade")[:1]),
        class_letter=Subquery(now_in.values("school_class__letter")[:1]),
    ).order_by("class_grade", "class_letter", "last_name", "first_name", "pk")
