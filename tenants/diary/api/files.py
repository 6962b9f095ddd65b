"""Homework files for families, on the region's host:
`GET /api/v1/diary/homework-files/{id}/?child=` (the pages link to `/diary/file/{id}/`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound

from otmetka.accounts.models import SchoolMembership
from otmetka.api.base import REGION, SIGNED_IN, ScopedViewSet

from .. import services
from ..files import FileToSend
from .views import CHILD, NOT_YOURS, diary_query, family_or_403


def file_response(found: FileToSend) -> HttpResponse:
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class FamilyHomeworkFileViewSet(ScopedViewSet):
    """A file of a homework the caller's child's diary shows (DIA-02)."""

    audience = REGION
    scope_map = {"GET": {SIGNED_IN}}
    queryset = SchoolMembership.objects.none()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset.none()

    @extend_schema(
        parameters=[CHILD],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="нет такого файла у этого ребёнка"),
        },
    )
    def retrieve(self, request, pk=None):
        key = diary_query(request.query_params, child_required=True)["child"]
        family = family_or_403(self.caller.user_id)
        try:
            found = services.homework_file_open(family, key, int(pk or 0))
        except (services.NotYourChild, ValueError):
            raise NotFound(NOT_YOURS) from None
        return file_response(found)
