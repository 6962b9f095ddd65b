"""The messaging API in the diary, on the region's host, for guardians and students (DIA-08).

A family's children may study in several schools, so the threads are named with the child:
`GET /api/v1/diary/messages/threads/` (every child's threads, or `?child=`'s, with unread
counts), `POST /threads/?child=` (a new thread), `GET /threads/{id}/?child=` (the messages;
marks them read), `POST /threads/{id}/messages/?child=` (a reply, multipart for files),
`GET /recipients/?child=` (whom one may write to), `GET /attachments/{id}/?child=` (a file).
`child` is the key of `diary/children/` (`<school>.<student>`); one that is not the caller's
answers 404. Each call enters the child's school schema and calls the same services as the
school's host, which check the caller again against the school's records.
"""

from __future__ import annotations

from typing import cast

from django_tenants.utils import schema_context
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from otmetka.api.base import REGION, SIGNED_IN, ScopedViewSet
from otmetka.api.params import validated
from tenants.diary.api.views import NOT_YOURS, family_or_403
from tenants.diary.family import Child, Family
from tenants.diary.services import NotYourChild, child_of
from tenants.people.models import Student

from .. import selectors, services
from ..access import FAMILY, Actor
from ..models import Attachment, Participant, Thread
from .serializers import (
    FamilyThreadListSerializer,
    MessagePostSerializer,
    MessageSerializer,
    RecipientSerializer,
    ThreadDetailSerializer,
    ThreadStartSerializer,
)
from .views import ID, MULTIPART, _recipients, file_response, message_answer

CHILD = OpenApiParameter(
    "child", str, required=True, description="ребёнок: `<адрес школы>.<номер>` из diary/children/"
)
SOME_CHILD = OpenApiParameter("child", str, description="только этот ребёнок (по умолчанию — все)")


class _FamilyViewSet(ScopedViewSet):
    abstract = True
    audience = REGION
    scope_map = {"GET": {SIGNED_IN}, "POST": {SIGNED_IN}}
    lookup_value_regex = ID
    pagination_class = None

    def restrict(self, queryset, caller):
        # the rows live in the children's schools: the selectors read them there, for the
        # caller's own children only (`child`)
        return queryset.none()

    @property
    def actor(self) -> Actor:
        return Actor(cast(int, self.caller.user_id), FAMILY)  # signed in: the scopes

    def child(self, family: Family | None = None, *, required: bool = True) -> Child | None:
        """The caller's child named by `?child=` (403 for callers without a diary, 400 when
        missing, 404 when not theirs)."""
        family = family or family_or_403(self.caller.user_id)
        key = self.request.query_params.get("child", "")
        if not key:
            if required:
                raise ValidationError({"child": ["Укажите ребёнка."]})
            return None
        try:
            return child_of(family, key)
        except NotYourChild:
            raise NotFound(NOT_YOURS) from None

    def file_url(self, child: Child):
        return lambda pk: f"/api/v1/diary/messages/attachments/{pk}/?child={child.key}"

    def thread_answer(self, child: Child, thread_id: int) -> dict:
        """The thread as the caller sees it; marks it read (inside the child's school)."""
        page = selectors.thread_page(self.actor, thread_id, student_id=child.student_id)
        data = selectors.thread_json(page)
        services.thread_mark_read(access=page.access, up_to=page.last_id)
        return ThreadDetailSerializer(data, context={"file_url": self.file_url(child)}).data


class FamilyThreadViewSet(_FamilyViewSet):
    """Threads about the caller's children (or themselves) with their teachers, class teacher
    and the school's administration."""

    queryset = Thread.objects.none()
    parser_classes = MULTIPART

    @extend_schema(parameters=[SOME_CHILD], responses=FamilyThreadListSerializer)
    def list(self, request):
        family = family_or_403(self.caller.user_id)
        one = self.child(family, required=False)
        found = selectors.family_threads([one] if one else family.children, self.caller.user_id)
        return Response(
            FamilyThreadListSerializer(
                {"unread_total": found.unread_total, "results": found.threads}
            ).data
        )

    @extend_schema(
        parameters=[CHILD],
        request={
            "multipart/form-data": ThreadStartSerializer,
            "application/json": ThreadStartSerializer,
        },
        responses={201: ThreadDetailSerializer},
    )
    def create(self, request):
        child = self.child()
        data = validated(ThreadStartSerializer, request)
        files = services.uploads_read(data["files"])
        with schema_context(child.school.schema):
            thread = services.thread_start(
                actor=self.actor, student=Student.objects.get(pk=child.student_id),
                subject=data["subject"], body=data["body"], recipients=data["recipients"],
                files=files,
            )  # fmt: skip
            answer = self.thread_answer(child, thread.pk)
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[CHILD], responses=ThreadDetailSerializer)
    def retrieve(self, request, pk=None):
        """The thread's messages; opening it marks them read."""
        child = self.child()
        with schema_context(child.school.schema):
            return Response(self.thread_answer(child, int(pk)))

    @extend_schema(
        parameters=[CHILD],
        request={
            "multipart/form-data": MessagePostSerializer,
            "application/json": MessagePostSerializer,
        },
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        """A reply in the thread (files as multipart `files`)."""
        child = self.child()
        with schema_context(child.school.schema):
            thread = selectors.thread_get(int(pk), child.student_id)
            selectors.thread_access(self.actor, thread)  # 404 before the body is looked at
            data = validated(MessagePostSerializer, request)
            message = services.message_post(
                actor=self.actor, thread=thread, body=data["body"],
                files=services.uploads_read(data["files"]),
            )  # fmt: skip
            answer = message_answer(message, self.file_url(child))
        return Response(answer, status=status.HTTP_201_CREATED)


class FamilyRecipientViewSet(_FamilyViewSet):
    """Whom the caller may write to about the child: the class teacher, the child's teachers,
    the director, deputies and school admin."""

    queryset = Participant.objects.none()

    @extend_schema(parameters=[CHILD], responses=RecipientSerializer(many=True))
    def list(self, request):
        child = self.child()
        with schema_context(child.school.schema):
            found = services.recipients_for(
                actor=self.actor, student=Student.objects.get(pk=child.student_id)
            )
        return Response(RecipientSerializer(_recipients(found), many=True).data)


class FamilyAttachmentViewSet(_FamilyViewSet):
    """A file of a message in one of the child's threads."""

    queryset = Attachment.objects.none()

    @extend_schema(
        parameters=[CHILD], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}
    )
    def retrieve(self, request, pk=None):
        child = self.child()
        with schema_context(child.school.schema):
            attachment = selectors.attachment_get(self.actor, int(pk), student_id=child.student_id)
            return file_response(attachment)


router = SimpleRouter()
router.register("diary/messages/threads", FamilyThreadViewSet, basename="diary-message-thread")
router.register(
    "diary/messages/recipients", FamilyRecipientViewSet, basename="diary-message-recipient"
)
router.register(
    "diary/messages/attachments", FamilyAttachmentViewSet, basename="diary-message-attachment"
)
urlpatterns = router.urls
