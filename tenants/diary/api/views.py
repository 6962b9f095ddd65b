"""The diary API.

On the region's host (where families sign in; ARCHITECTURE §3): `GET /api/v1/diary/children/`,
`week/?date=&child=`, `subject/?child=&subject=&period=`, `summary/?child=&period=`,
`card/?child=` — the caller's own children (or themselves) only, across their schools; a child
that is not the caller's answers 404 like one that does not exist. Every answer records a view
receipt (DIA-05). On a school's host: `GET /api/v1/diary/receipts/` for the director, deputies
and class teachers.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import Scope
from otmetka.api.base import REGION, SCHOOL, SIGNED_IN, ScopedViewSet
from otmetka.api.params import filter_by_ids
from otmetka.api.renderers import FastJSONRenderer
from tenants.configuration.models import Subject

from .. import child as one_child
from .. import services
from ..family import Child, Family, family_of
from ..models import DiaryView, ViewReceipt
from ..receipts import receipts_of_class, receipts_visible
from . import schema

NOT_YOURS = "Такого ребёнка нет среди ваших."

CHILD = OpenApiParameter("child", str, description="ребёнок: `<адрес школы>.<номер>` из children/")


def diary_query(params, *, child_required: bool = False) -> dict:
    """`date`, `child`, `subject` and `period` out of the query string; 400 with a message per
    field. Plain parsing rather than a serializer: the week runs it on every request, and a DRF
    serializer deep-copies its fields each time (a tenth of the week's CPU when warm). An empty
    value is the same as none."""
    query, errors = {}, {}
    if value := params.get("date"):
        try:
            query["date"] = date.fromisoformat(value)
        except ValueError:
            errors["date"] = ["Дата в формате ГГГГ-ММ-ДД."]
    if value := params.get("child"):
        if len(value) > 60:
            errors["child"] = ["Не длиннее 60 символов."]
        else:
            query["child"] = value
    for name in ("subject", "period"):
        if value := params.get(name):
            if value.isascii() and value.isdigit() and 0 < int(value) < 2**63:
                query[name] = int(value)
            else:
                errors[name] = ["Целое положительное число."]
    if child_required and "child" not in query and "child" not in errors:
        errors["child"] = ["Укажите ребёнка."]
    if errors:
        raise ValidationError(errors)
    return query


def family_or_403(user_id: int | None) -> Family:
    family = family_of(user_id)
    if not family.has_diary_role:
        raise PermissionDenied("Дневник открыт обучающимся и их законным представителям.")
    return family


def children_json(family: Family) -> dict:
    return {
        "children": [
            {"key": c.key, "name": c.name, "short_name": c.short_name, "role": c.role,
             "school": c.school.name, "class": c.class_name}
            for c in family.children
        ],
        "unavailable_schools": family.unavailable,
    }  # fmt: skip


class FamilyDiaryViewSet(ScopedViewSet):
    """The diary of the caller's children (or their own), across schools (DIA-01…04)."""

    audience = REGION
    scope_map = {"GET": {SIGNED_IN}}
    queryset = SchoolMembership.objects.none()
    pagination_class = None
    renderer_classes = [FastJSONRenderer]

    def restrict(self, queryset, caller):
        return queryset.none()

    def _query(self) -> dict:
        return diary_query(self.request.query_params)

    @extend_schema(
        responses=schema.family_responses(
            schema.DiaryChildrenSerializer, "дети вызывающего", with_query=False
        )
    )
    @action(detail=False, methods=["get"])
    def children(self, request):
        return Response(children_json(family_or_403(self.caller.user_id)))

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE), CHILD],
        responses=schema.family_responses(schema.DiaryWeekSerializer, "неделя"),
    )
    @action(detail=False, methods=["get"])
    def week(self, request):
        """The week containing `date` (today by default) for every child, or for `child`."""
        query = self._query()
        try:
            week = services.week_open(
                family_or_403(self.caller.user_id), day=query.get("date") or timezone.localdate(),
                key=query.get("child"), user_id=self.caller.user_id, channel="api",
            )  # fmt: skip
        except services.NotYourChild:
            raise NotFound(NOT_YOURS) from None
        return Response(week)

    def _one(self, view: str, build):
        family = family_or_403(self.caller.user_id)  # staff: 403 before any 400
        query = diary_query(self.request.query_params, child_required=True)
        try:
            _, data = services.child_open(
                family, query["child"], view,
                lambda child: build(child, query), user_id=self.caller.user_id, channel="api",
            )  # fmt: skip
        except services.NotYourChild:
            raise NotFound(NOT_YOURS) from None
        return Response(data)

    @extend_schema(
        parameters=[CHILD, OpenApiParameter("subject", int), OpenApiParameter("period", int)],
        responses=schema.family_responses(schema.DiarySubjectSerializer, "предмет за период"),
    )
    @action(detail=False, methods=["get"])
    def subject(self, request):
        """One subject: marks with the work behind them, average, predicted and final marks."""

        def build(child, query):
            subject = Subject.objects.filter(pk=query.get("subject") or 0).first()
            if subject is None:
                raise ValidationError({"subject": ["Нет такого предмета в школе."]})
            return one_child.diary_subject(child, subject, _period(child, query))

        return self._one(DiaryView.SUBJECT, build)

    @extend_schema(
        parameters=[CHILD, OpenApiParameter("period", int)],
        responses=schema.family_responses(schema.DiarySummarySerializer, "итоги периода"),
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """A period's summary: every subject, missed lessons and unsatisfactory marks."""
        return self._one(
            DiaryView.PERIOD,
            lambda child, query: one_child.diary_summary(child, _period(child, query)),
        )

    @extend_schema(
        parameters=[CHILD],
        responses=schema.family_responses(schema.DiaryCardSerializer, "карточка ребёнка"),
    )
    @action(detail=False, methods=["get"])
    def card(self, request):
        """Teachers, calendar, tests calendar, events, exam choices, recommendations."""
        return self._one(
            DiaryView.CARD, lambda child, query: one_child.diary_card(child, timezone.localdate())
        )


def _period(child: Child, query: dict):
    period = one_child.period_for(child, query.get("period"), timezone.localdate())
    if period is None:
        raise ValidationError({"period": ["Нет такого учебного периода для этого класса."]})
    return period


class ReceiptSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name")
    viewer = serializers.SerializerMethodField()

    class Meta:
        model = ViewReceipt
        fields = ["id", "student", "student_name", "user_id", "viewer", "role", "view", "ref",
                  "channel", "at"]  # fmt: skip

    def get_viewer(self, receipt) -> str:
        return self.context.get("viewers", {}).get(receipt.user_id, "")


@extend_schema_view(
    list=extend_schema(
        responses={
            200: ReceiptSerializer(many=True),
            400: schema.INVALID,
            401: schema.NOT_SIGNED_IN,
            403: schema.REFUSED,
        }
    )
)
class ReceiptViewSet(mixins.ListModelMixin, ScopedViewSet):
    """`GET /api/v1/diary/receipts/?student=&class=`: who opened which child's diary, when
    (DIA-05): the director and deputies, every student; a class teacher, their class's."""

    audience = SCHOOL
    scope_map = {"GET": {Scope.DIARY_RECEIPTS}}
    queryset = ViewReceipt.objects.select_related("student")
    serializer_class = ReceiptSerializer

    def restrict(self, queryset, caller):
        errors: dict = {}
        queryset = filter_by_ids(
            receipts_visible(caller, queryset), self.request.query_params,
            [("student", "student_id")], errors,
        )  # fmt: skip
        cls = self.request.query_params.get("class")
        if cls is not None:
            if not cls.isdigit():
                errors["class"] = ["Укажите номер."]
            else:
                queryset = receipts_of_class(queryset, int(cls))
        if errors:
            raise ValidationError(errors)
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page_user_ids", None)
        if page:
            context["viewers"] = {u.pk: u.display_name for u in User.objects.filter(pk__in=page)}
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._page_user_ids = {r.user_id for r in page}
        return page
