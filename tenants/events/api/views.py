"""Control works (TTB-10), events (TTB-11) and exam choices (TTB-12) on the school host.

Control works and events are not personal data: every staff member reads them. Exam choices are:
only `people:read` and the class teacher of the student's class read them, and every list view
is logged (PDN-06). Students and guardians see none of these here (the diary will show them).
"""

from datetime import date
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.params import validated
from otmetka.audit.context import AuditContext
from tenants.events import selectors, services
from tenants.events.models import ControlWork, Event, ExamChoice
from tenants.people import selectors as people

from .serializers import (
    ControlWorkSerializer,
    ControlWorkWriteSerializer,
    EventSerializer,
    EventWriteSerializer,
    ExamChoiceSerializer,
    ExamChoiceWriteSerializer,
)


def _params(request, *, numbers=(), dates=()) -> dict:
    """Optional query parameters: ids as numbers, dates as ГГГГ-ММ-ДД; a bad one is a 400."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in numbers:
        value = request.query_params.get(name)
        if value is None:
            values[name] = None
        elif value.isdigit():
            values[name] = int(value)
        else:
            errors[name] = ["Укажите номер."]
    for name in dates:
        value = request.query_params.get(name)
        try:
            values[name] = date.fromisoformat(value) if value is not None else None
        except ValueError:
            errors[name] = ["Дата в формате ГГГГ-ММ-ДД."]
    if errors:
        raise ValidationError(errors)
    return values


class _EventsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    abstract = True
    audience = SCHOOL
    pagination_class = None

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)


class ControlWorkViewSet(_EventsViewSet):
    """The ВШК control-work schedule (TTB-10); filter by ?class= (with its groups' works),
    ?from=, ?to=. The administration (timetable:write) writes it; the services check this too.
    A second control work for a class on one day is refused, naming the first."""

    scope_map = {
        "GET": {Scope.SETTINGS_READ},
        "POST": {Scope.TIMETABLE_WRITE},
        "PUT": {Scope.TIMETABLE_WRITE},
        "DELETE": {Scope.TIMETABLE_WRITE},
    }
    queryset = ControlWork.objects.select_related("school_class", "group", "subject")
    serializer_class = ControlWorkSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("class", int),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ]
    )
    def list(self, request):
        self.get_queryset()
        params = _params(request, numbers=("class",), dates=("from", "to"))
        rows = selectors.control_work_list(
            school_class=params["class"], date_from=params["from"], date_to=params["to"]
        )
        return Response(ControlWorkSerializer(rows, many=True).data)

    def _save(self, request, work=None):
        data = validated(ControlWorkWriteSerializer, request)
        saved = services.control_work_save(
            ctx=self.ctx(), caller=self.caller, data=services.ControlWorkInput(**data), work=work
        )
        return self.get_queryset().get(pk=saved.pk)

    @extend_schema(request=ControlWorkWriteSerializer, responses={201: ControlWorkSerializer})
    def create(self, request):
        return Response(
            ControlWorkSerializer(self._save(request)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ControlWorkWriteSerializer, responses=ControlWorkSerializer)
    def update(self, request, pk=None):
        return Response(ControlWorkSerializer(self._save(request, self.get_object())).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.control_work_delete(ctx=self.ctx(), caller=self.caller, work=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventViewSet(_EventsViewSet):
    """Class and school events (TTB-11); filter by ?from=, ?to=. A class teacher writes the
    events of the class they lead; the administration (timetable:write) every event."""

    scope_map = {
        "GET": {Scope.SETTINGS_READ},
        "POST": {Scope.TIMETABLE_WRITE, Scope.CLASS_WRITE},
        "PUT": {Scope.TIMETABLE_WRITE, Scope.CLASS_WRITE},
        "DELETE": {Scope.TIMETABLE_WRITE, Scope.CLASS_WRITE},
    }
    queryset = Event.objects.select_related("school_class")
    serializer_class = EventSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ]
    )
    def list(self, request):
        self.get_queryset()
        params = _params(request, dates=("from", "to"))
        rows = selectors.event_list(date_from=params["from"], date_to=params["to"])
        return Response(EventSerializer(rows, many=True).data)

    def _save(self, request, event=None):
        data = services.EventInput(**validated(EventWriteSerializer, request))
        saved = services.event_save(ctx=self.ctx(), caller=self.caller, data=data, event=event)
        return self.get_queryset().get(pk=saved.pk)

    @extend_schema(request=EventWriteSerializer, responses={201: EventSerializer})
    def create(self, request):
        return Response(EventSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EventWriteSerializer, responses=EventSerializer)
    def update(self, request, pk=None):
        return Response(EventSerializer(self._save(request, self.get_object())).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.event_delete(ctx=self.ctx(), caller=self.caller, event=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExamChoiceViewSet(_EventsViewSet):
    """Students' state exam choices (TTB-12): personal data. `people:read` and the class teacher
    of the student's class read them; `people:write` and that class teacher write them. Filter
    by ?class=, ?year=; list views are logged (PDN-06)."""

    scope_map = {
        "GET": {Scope.PEOPLE_READ, Scope.CLASS_WRITE},
        "POST": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE},
        "PUT": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE},
        "DELETE": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE},
    }
    queryset = ExamChoice.objects.all()
    serializer_class = ExamChoiceSerializer

    def restrict(self, queryset, caller):
        return selectors.exam_choices_visible(caller)

    @extend_schema(parameters=[OpenApiParameter("class", int), OpenApiParameter("year", int)])
    def list(self, request):
        self.base_queryset()
        params = _params(request, numbers=("class", "year"))
        rows = list(
            selectors.exam_choice_list(
                self.caller, school_class=params["class"], year=params["year"]
            )
        )
        people.personal_data_logged(
            caller=self.caller,
            what="exam_choices.list",
            count=len(rows),
            query=request.get_full_path(),
        )
        return Response(ExamChoiceSerializer(rows, many=True).data)

    def _save(self, request, choice=None):
        data = services.ExamChoiceInput(**validated(ExamChoiceWriteSerializer, request))
        saved = services.exam_choice_save(
            ctx=self.ctx(), caller=self.caller, data=data, choice=choice
        )
        return self.get_queryset().get(pk=saved.pk)

    @extend_schema(request=ExamChoiceWriteSerializer, responses={201: ExamChoiceSerializer})
    def create(self, request):
        return Response(
            ExamChoiceSerializer(self._save(request)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ExamChoiceWriteSerializer, responses=ExamChoiceSerializer)
    def update(self, request, pk=None):
        return Response(ExamChoiceSerializer(self._save(request, self.get_object())).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.exam_choice_delete(ctx=self.ctx(), caller=self.caller, choice=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
