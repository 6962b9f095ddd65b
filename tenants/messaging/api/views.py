"""The messaging API on a school's host, for its staff (DIA-08).

`GET|POST /api/v1/messages/threads/` (own threads with unread counts; the director adds
`?all=true` to see every thread of the school), `GET /threads/{id}/` (the messages; marks them
read), `POST /threads/{id}/messages/` (a reply, multipart for files), `GET /recipients/?student=`
(whom one may write to about a student), `POST /messages/{id}/hide/` and `/restore/` (the
director), `GET /attachments/{id}/` (a file, to the thread's readers only). The families' side
is `family.py`, on the region's host.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.params import filter_by_ids, validated
from otmetka.audit.context import AuditContext
from tenants.people.models import Student

from .. import selectors, services
from ..access import STAFF, Actor, staff_member
from ..models import Attachment, Message, Participant, Thread
from .serializers import (
    HideSerializer,
    MessagePostSerializer,
    MessageSerializer,
    RecipientSerializer,
    RestoreSerializer,
    StaffThreadStartSerializer,
    ThreadDetailSerializer,
    ThreadListSerializer,
)

# staff of the school: teachers and class teachers (journal), the administration (people);
# what each may do is decided by the services from the school's records
STAFF_SCOPES = {Scope.JOURNAL_READ, Scope.PEOPLE_READ}
MULTIPART = [MultiPartParser, FormParser, JSONParser]
ID = r"[0-9]{1,18}"


def file_response(attachment: Attachment) -> HttpResponse:
    """A message's file as a download: never shown inline, its type as checked at upload."""
    from services.storage import get_storage

    response = HttpResponse(get_storage().get(attachment.file_key), attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def message_answer(message: Message, file_url) -> dict:
    """A message just posted, as its author sees it."""
    participants = {p.user_id: p for p in message.thread.participants.all()}
    access = selectors.Access(participants.get(message.author_id))
    data = selectors.message_json(message, participants, access, message.pk)
    return MessageSerializer(data, context={"file_url": file_url}).data


class _StaffViewSet(ScopedViewSet):
    abstract = True
    audience = SCHOOL
    lookup_value_regex = ID

    @property
    def actor(self) -> Actor:
        return Actor(cast(int, self.caller.user_id), STAFF)  # signed in: the scopes

    def file_url(self, attachment_id: int) -> str:
        return f"/api/v1/messages/attachments/{attachment_id}/"


class ThreadViewSet(_StaffViewSet):
    """Threads with families about students (DIA-08)."""

    scope_map = {"GET": STAFF_SCOPES, "POST": STAFF_SCOPES}
    queryset = Thread.objects.all()
    parser_classes = MULTIPART

    def restrict(self, queryset, caller):
        everything = self.request.query_params.get("all", "") in {"1", "true"}
        threads = selectors.staff_threads(self.actor, everything=everything, threads=queryset)
        errors: dict = {}
        threads = filter_by_ids(threads, self.request.query_params, [("student", "student_id")],
                                errors)  # fmt: skip
        if errors:
            raise ValidationError(errors)
        return threads

    def _detail(self, thread_id: int) -> dict:
        page = selectors.thread_page(self.actor, thread_id)
        data = selectors.thread_json(page)
        services.thread_mark_read(access=page.access, up_to=page.last_id)
        return ThreadDetailSerializer(data, context={"file_url": self.file_url}).data

    @extend_schema(
        parameters=[
            OpenApiParameter("all", bool, description="директор: все переписки школы"),
            OpenApiParameter("student", int, description="только об этом обучающемся"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=ThreadListSerializer,
    )
    def list(self, request):
        threads = self.get_queryset()
        page = self.paginate_queryset(threads.values_list(*selectors.LIST_COLUMNS))
        answer = self.get_paginated_response([selectors.thread_row(row) for row in page]).data
        answer["unread_total"] = selectors.staff_unread_total(self.actor)
        return Response(ThreadListSerializer(answer).data)

    @extend_schema(
        request={
            "multipart/form-data": StaffThreadStartSerializer,
            "application/json": StaffThreadStartSerializer,
        },
        responses={201: ThreadDetailSerializer},
    )
    def create(self, request):
        data = validated(StaffThreadStartSerializer, request)
        student = Student.objects.filter(pk=data["student"]).first()
        if student is None:
            raise ValidationError({"student": ["Нет такого обучающегося."]})
        thread = services.thread_start(
            actor=self.actor, student=student, subject=data["subject"], body=data["body"],
            recipients=data["recipients"], all_guardians=data["all_guardians"],
            files=services.uploads_read(data["files"]),
        )  # fmt: skip
        return Response(self._detail(thread.pk), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ThreadDetailSerializer)
    def retrieve(self, request, pk=None):
        """The thread's messages; opening it marks them read."""
        return Response(self._detail(int(pk)))

    @extend_schema(
        request={
            "multipart/form-data": MessagePostSerializer,
            "application/json": MessagePostSerializer,
        },
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        """A reply, by a participant (files as multipart `files`)."""
        thread = selectors.thread_get(int(pk))
        selectors.thread_access(self.actor, thread)  # 404 before the body is looked at
        data = validated(MessagePostSerializer, request)
        message = services.message_post(
            actor=self.actor, thread=thread, body=data["body"],
            files=services.uploads_read(data["files"]),
        )  # fmt: skip
        return Response(message_answer(message, self.file_url), status=status.HTTP_201_CREATED)


class RecipientViewSet(_StaffViewSet):
    """Whom the caller may write to about a student: guardians who read the diary, the
    student (DIA-08)."""

    scope_map = {"GET": STAFF_SCOPES}
    queryset = Participant.objects.none()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset.none()

    @extend_schema(
        parameters=[OpenApiParameter("student", int, required=True)],
        responses=RecipientSerializer(many=True),
    )
    def list(self, request):
        value = request.query_params.get("student", "")
        student = Student.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if student is None or len(value) > 18:
            raise ValidationError({"student": ["Укажите обучающегося."]})
        found = services.recipients_for(actor=self.actor, student=student)
        return Response(RecipientSerializer(_recipients(found), many=True).data)


def _recipients(found) -> list[dict]:
    return [
        {"user_id": r.user_id, "role": r.role, "role_label": r.role_label, "name": r.name,
         "detail": r.detail}
        for r in found
    ]  # fmt: skip


class ModerationViewSet(_StaffViewSet):
    """The director hides a message (its text no longer shown) or shows it again; audited."""

    scope_map = {"POST": {Scope.SCHOOL_ADMIN}}
    queryset = Message.objects.all()

    def restrict(self, queryset, caller):
        return queryset if staff_member(caller.user_id).is_moderator else queryset.none()

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role="director")

    def _answer(self, message: Message) -> dict:
        participants = {p.user_id: p for p in message.thread.participants.all()}
        data = selectors.message_json(message, participants, selectors.Access(None, True), 0)
        return MessageSerializer(data, context={"file_url": self.file_url}).data

    @extend_schema(request=HideSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        message = selectors.message_for_moderation(self.actor, int(pk))
        data = validated(HideSerializer, request)
        message = services.message_hide(
            ctx=self.ctx(), actor=self.actor, message=message, reason=data["reason"]
        )
        return Response(self._answer(message))

    @extend_schema(request=RestoreSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        message = selectors.message_for_moderation(self.actor, int(pk))
        data = validated(RestoreSerializer, request)
        message = services.message_restore(
            ctx=self.ctx(), actor=self.actor, message=message, reason=data["reason"]
        )
        return Response(self._answer(message))


class AttachmentViewSet(_StaffViewSet):
    """A message's file, for those who may read the thread."""

    scope_map = {"GET": STAFF_SCOPES}
    queryset = Attachment.objects.none()

    def restrict(self, queryset, caller):
        return queryset.none()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def retrieve(self, request, pk=None):
        return file_response(selectors.attachment_get(self.actor, int(pk)))
