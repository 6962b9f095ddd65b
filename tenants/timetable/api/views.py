"""Curriculum, bells and the weekly timetable (school host). Timetables are not personal data:
every staff member reads them; the administration writes them."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.params import filter_by_ids, validated
from otmetka.audit.context import AuditContext
from tenants.timetable import services
from tenants.timetable.models import Bell, BellSchedule, CurriculumLine, Lesson, TimetableEntry

from .serializers import (
    BellScheduleSerializer,
    BellScheduleWriteSerializer,
    CurriculumLineSerializer,
    CurriculumWriteSerializer,
    LessonSerializer,
    MakeLessonsResultSerializer,
    MakeLessonsSerializer,
    MoveSerializer,
    SubstituteSerializer,
    TimetableEntrySerializer,
    TimetableEntryWriteSerializer,
)

SCOPES = {
    "GET": {Scope.SETTINGS_READ},
    "POST": {Scope.TIMETABLE_WRITE},
    "PUT": {Scope.TIMETABLE_WRITE},
    "DELETE": {Scope.TIMETABLE_WRITE},
}


class _TimetableViewSet(ScopedViewSet):
    abstract = True
    audience = SCHOOL
    scope_map = SCOPES
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)


class CurriculumViewSet(mixins.ListModelMixin, _TimetableViewSet):
    """The curriculum (TTB-01): weekly hours per subject, grade and profile; POST sets a line
    (hours 0 removes it)."""

    queryset = CurriculumLine.objects.order_by("grade", "profile", "subject__name")
    serializer_class = CurriculumLineSerializer

    @extend_schema(parameters=[OpenApiParameter("student", int)])
    def list(self, request):
        """The grades' lines; with `?student=` that student's individual curriculum (for those
        who may see the student)."""
        from tenants.people.selectors import students_visible

        value = request.query_params.get("student")
        queryset = self.get_queryset()
        if value is None:
            return Response(CurriculumLineSerializer(queryset.filter(student=None), many=True).data)
        if not value.isdigit():
            raise ValidationError({"student": ["Укажите номер."]})
        visible = students_visible(self.caller).filter(pk=int(value)).exists()
        lines = queryset.filter(student_id=int(value)) if visible else queryset.none()
        return Response(CurriculumLineSerializer(lines, many=True).data)

    @extend_schema(request=CurriculumWriteSerializer, responses={201: CurriculumLineSerializer})
    def create(self, request):
        line = services.curriculum_line_save(
            ctx=self.ctx(), **validated(CurriculumWriteSerializer, request)
        )
        return Response(CurriculumLineSerializer(line).data, status=status.HTTP_201_CREATED)


class BellScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _TimetableViewSet):
    """Bell schedules (TTB-03): shifts and shortened days."""

    queryset = BellSchedule.objects.prefetch_related(
        Prefetch("bells", queryset=Bell.objects.order_by("number"))
    ).order_by("name")
    serializer_class = BellScheduleSerializer

    def _save(self, request, schedule=None):
        data = validated(BellScheduleWriteSerializer, request)
        schedule = services.bell_schedule_save(
            ctx=self.ctx(),
            name=data["name"],
            is_default=data["is_default"],
            bells=[services.BellInput(**b) for b in data["bells"]],
            schedule=schedule,
        )
        return self.get_queryset().get(pk=schedule.pk)

    @extend_schema(request=BellScheduleWriteSerializer, responses={201: BellScheduleSerializer})
    def create(self, request):
        return Response(
            BellScheduleSerializer(self._save(request)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=BellScheduleWriteSerializer, responses=BellScheduleSerializer)
    def update(self, request, pk=None):
        return Response(BellScheduleSerializer(self._save(request, self.get_object())).data)


class TimetableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _TimetableViewSet):
    """The weekly timetable (TTB-03, TTB-04); filter by ?class=, ?group=, ?teacher=, ?room=.
    A clash is refused with 400 and the clash named."""

    queryset = TimetableEntry.objects.select_related(
        "school_class", "group", "subject", "teacher", "room"
    ).order_by("weekday", "number", "pk")
    serializer_class = TimetableEntrySerializer

    @extend_schema(
        parameters=[OpenApiParameter(name, int) for name in ("class", "group", "teacher", "room")]
    )
    def list(self, request):
        errors: dict = {}
        queryset = filter_by_ids(
            self.get_queryset(),
            request.query_params,
            [("class", "school_class_id"), ("group", "group_id"), ("teacher", "teacher_id"),
             ("room", "room_id")],
            errors,
        )  # fmt: skip
        if errors:
            raise ValidationError(errors)
        return Response(TimetableEntrySerializer(queryset, many=True).data)

    def _save(self, request, entry=None):
        data = validated(TimetableEntryWriteSerializer, request)
        saved = services.timetable_entry_save(
            ctx=self.ctx(), data=services.EntryInput(**data), entry=entry
        )
        return self.get_queryset().get(pk=saved.pk)

    @extend_schema(request=TimetableEntryWriteSerializer, responses={201: TimetableEntrySerializer})
    def create(self, request):
        return Response(
            TimetableEntrySerializer(self._save(request)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=TimetableEntryWriteSerializer, responses=TimetableEntrySerializer)
    def update(self, request, pk=None):
        return Response(TimetableEntrySerializer(self._save(request, self.get_object())).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.timetable_entry_delete(ctx=self.ctx(), entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonViewSet(mixins.ListModelMixin, _TimetableViewSet):
    """Dated lessons: `?class=` or `?group=` or `?teacher=`, with `from` and `to` dates (at most
    a year). POST `make/` (re)makes a year's lessons from the timetable."""

    queryset = Lesson.objects.order_by("date", "number", "pk")
    serializer_class = LessonSerializer

    @extend_schema(
        parameters=[
            *[OpenApiParameter(name, int) for name in ("class", "group", "teacher")],
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ]
    )
    def list(self, request):
        from datetime import date as date_type

        errors, bounds = {}, {}
        for key in ("from", "to"):
            try:
                bounds[key] = date_type.fromisoformat(request.query_params.get(key, ""))
            except ValueError:
                errors[key] = ["Дата в формате ГГГГ-ММ-ДД."]
        if not errors and not 0 <= (bounds["to"] - bounds["from"]).days <= 366:
            errors["to"] = ["Не больше года и не раньше «from»."]
        queryset = filter_by_ids(
            self.get_queryset(),
            request.query_params,
            [("class", "school_class_id"), ("group", "group_id"), ("teacher", "teacher_id")],
            errors,
        )
        if errors:
            raise ValidationError(errors)
        queryset = queryset.filter(date__range=(bounds["from"], bounds["to"]))
        return Response(LessonSerializer(queryset, many=True).data)

    @extend_schema(request=MakeLessonsSerializer, responses=MakeLessonsResultSerializer)
    @action(detail=False, methods=["post"])
    def make(self, request):
        from tenants.timetable.lessons import lessons_make

        self.base_queryset()
        data = validated(MakeLessonsSerializer, request)
        result = lessons_make(ctx=self.ctx(), year=data["year"], start=data["start"])
        return Response(
            MakeLessonsResultSerializer(
                {
                    "created": result.created,
                    "deleted": result.deleted,
                    "conflicts": result.conflicts,
                }
            ).data
        )

    @extend_schema(request=SubstituteSerializer, responses=LessonSerializer)
    @action(detail=True, methods=["post"])
    def substitute(self, request, pk=None):
        """Register a substitution in advance (TTB-05): the substitute gets the lesson's rights."""
        data = validated(SubstituteSerializer, request)
        lesson = services.substitution_register(
            ctx=self.ctx(),
            lesson=self.get_object(),
            substitute=data["substitute"],
            reason=data["reason"],
        )
        return Response(LessonSerializer(lesson).data)

    @extend_schema(request=MoveSerializer, responses=LessonSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Reschedule a lesson to another date and lesson number (TTB-05)."""
        data = validated(MoveSerializer, request)
        lesson = services.lesson_move(
            ctx=self.ctx(),
            lesson=self.get_object(),
            to_date=data["date"],
            to_number=data["number"],
            reason=data["reason"],
        )
        return Response(LessonSerializer(lesson).data)
