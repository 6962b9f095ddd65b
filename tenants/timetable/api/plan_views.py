"""Lesson plans (TTB-06), homework (TTB-08) and recommendations (TTB-09) on the school host.

Plans are read by every staff member and written by the subject's teacher of that class or
group, or the administration. Homework is written by the lesson's teacher or substitute and read
by those who may see the lesson. Recommendations are personal data: read by those who see the
student, written by their teachers; each list is logged (PDN-06). The services check who
writes: these views pass them the caller (plans) or the caller's staff record.
"""

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.params import validated
from tenants.people.selectors import personal_data_logged, staff_of, students_visible
from tenants.timetable import homework as hw
from tenants.timetable import plans
from tenants.timetable.access import lessons_readable
from tenants.timetable.models import Homework, LessonPlan, PlanTopic, Recommendation

from .serializers import (
    HomeworkSerializer,
    HomeworkWriteSerializer,
    LessonPlanDetailSerializer,
    LessonPlanSerializer,
    LessonPlanWriteSerializer,
    LessonTopicSerializer,
    PlanCopySerializer,
    PlanImportSerializer,
    PlanProgressSerializer,
    PlanTopicsWriteSerializer,
    RecommendationSerializer,
    RecommendationWriteSerializer,
)
from .views import _TimetableViewSet

TEACHERS_AND_ADMIN = {Scope.JOURNAL_WRITE, Scope.TIMETABLE_WRITE}


def _int_param(request, name: str, errors: dict) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isdigit():
        errors[name] = ["Укажите номер."]
        return None
    return int(value)


class LessonPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _TimetableViewSet):
    """КТП (TTB-06): `?class=`, `?group=`, `?subject=`, `?teacher=`. PUT `topics/` replaces the
    topics in order (an `id` keeps a topic), `import/` reads CSV/XLSX («Раздел», «Тема»,
    «Часов»), `copy/` takes another plan's topics, `sources/` lists plans to copy from,
    `progress/` gives planned against delivered."""

    scope_map = {"GET": {Scope.SETTINGS_READ}, "POST": TEACHERS_AND_ADMIN}
    action_scope_map = {"topics": TEACHERS_AND_ADMIN, "move_topic": TEACHERS_AND_ADMIN}
    queryset = LessonPlan.objects.select_related(
        "year", "school_class", "group", "subject", "author"
    ).order_by("school_class__grade", "school_class__letter", "group__name", "subject__name")
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return LessonPlanDetailSerializer if self.action == "retrieve" else LessonPlanSerializer

    def base_queryset(self):
        queryset = super().base_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("topics", queryset=PlanTopic.objects.order_by("position"))
            )
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(name, int) for name in ("class", "group", "subject", "teacher")
        ]
    )
    def list(self, request):
        errors: dict = {}
        queryset = self.get_queryset()
        for param, field in (
            ("class", "school_class_id"),
            ("group", "group_id"),
            ("subject", "subject_id"),
            ("teacher", "author_id"),
        ):
            value = _int_param(request, param, errors)
            if value is not None:
                queryset = queryset.filter(**{field: value})
        if errors:
            raise ValidationError(errors)
        return Response(LessonPlanSerializer(queryset, many=True).data)

    @extend_schema(request=LessonPlanWriteSerializer, responses={201: LessonPlanSerializer})
    def create(self, request):
        data = validated(LessonPlanWriteSerializer, request)
        plan = plans.plan_create(ctx=self.ctx(), caller=self.caller, **data)
        return Response(
            LessonPlanSerializer(self.get_queryset().get(pk=plan.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _detail(self, plan):
        plan = (
            self.get_queryset()
            .prefetch_related(Prefetch("topics", queryset=PlanTopic.objects.order_by("position")))
            .get(pk=plan.pk)
        )
        return Response(LessonPlanDetailSerializer(plan).data)

    @extend_schema(request=PlanTopicsWriteSerializer, responses=LessonPlanDetailSerializer)
    @action(detail=True, methods=["put"])
    def topics(self, request, pk=None):
        plan = self.get_object()
        data = validated(PlanTopicsWriteSerializer, request)
        plans.plan_topics_save(
            ctx=self.ctx(),
            caller=self.caller,
            plan=plan,
            topics=[plans.TopicInput(**{k: t[k] for k in ("id", "title", "hours", "section")})
                    for t in data["topics"]],
        )  # fmt: skip
        return self._detail(plan)

    @extend_schema(request={"multipart/form-data": PlanImportSerializer},
                   responses=LessonPlanDetailSerializer)  # fmt: skip
    @action(detail=True, methods=["post"], url_path="import")
    def import_file(self, request, pk=None):
        plan = self.get_object()
        upload = validated(PlanImportSerializer, request)["file"]
        plans.plan_import(
            ctx=self.ctx(), caller=self.caller, plan=plan, file_name=upload.name, data=upload.read()
        )
        return self._detail(plan)

    @extend_schema(request=PlanCopySerializer, responses=LessonPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        plan = self.get_object()
        source = validated(PlanCopySerializer, request)["source"]
        plans.plan_copy(ctx=self.ctx(), caller=self.caller, plan=plan, source=source)
        return self._detail(plan)

    @extend_schema(request=LessonTopicSerializer, responses=LessonPlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="move-topic")
    def move_topic(self, request, pk=None):
        """Put a topic on a lesson by hand (pinned); the following lessons take the rest."""
        plan = self.get_object()
        data = validated(LessonTopicSerializer, request)
        plans.lesson_topic_move(
            ctx=self.ctx(),
            caller=self.caller,
            plan=plan,
            lesson=data["lesson"],
            topic=data["topic"],
        )
        return self._detail(plan)

    @extend_schema(responses=LessonPlanSerializer(many=True))
    @action(detail=True, methods=["get"])
    def sources(self, request, pk=None):
        return Response(LessonPlanSerializer(plans.copy_sources(self.get_object()), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE)], responses=PlanProgressSerializer
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        on = timezone.localdate()
        if "on" in request.query_params:
            try:
                on = date.fromisoformat(request.query_params["on"])
            except ValueError:
                raise ValidationError({"on": ["Дата в формате ГГГГ-ММ-ДД."]}) from None
        return Response(PlanProgressSerializer(plans.plan_progress(self.get_object(), on)).data)


def _parse_dates(request, errors) -> tuple[date | None, date | None]:
    bounds = []
    for key in ("from", "to"):
        text = request.query_params.get(key)
        if text is None:
            bounds.append(None)
            continue
        try:
            bounds.append(date.fromisoformat(text))
        except ValueError:
            errors[key] = ["Дата в формате ГГГГ-ММ-ДД."]
            bounds.append(None)
    return bounds[0], bounds[1]


class HomeworkViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, _TimetableViewSet
):  # fmt: skip
    """Homework (TTB-08): `?lesson=` or `?class=`/`?group=` with `from`–`to` (by lesson date).
    Files go as multipart `files`. Saved after the X-02 deadline: `is_late`, never refused."""

    scope_map = {
        "GET": {Scope.JOURNAL_READ},
        "POST": {Scope.JOURNAL_WRITE},
        "PUT": {Scope.JOURNAL_WRITE},
        "DELETE": {Scope.JOURNAL_WRITE},
    }
    queryset = Homework.objects.select_related("lesson").prefetch_related("students", "files")
    serializer_class = HomeworkSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def restrict(self, queryset, caller):
        return queryset.filter(lesson__in=lessons_readable(caller))

    @extend_schema(
        parameters=[
            *[OpenApiParameter(name, int) for name in ("lesson", "class", "group")],
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ]
    )
    def list(self, request):
        errors: dict = {}
        queryset = self.get_queryset().order_by("lesson__date", "lesson__number", "pk")
        lesson = _int_param(request, "lesson", errors)
        school_class = _int_param(request, "class", errors)
        group = _int_param(request, "group", errors)
        start, end = _parse_dates(request, errors)
        if lesson is None and (start is None or end is None):
            errors.setdefault("from", ["Укажите урок или даты «from» и «to»."])
        elif start and end and not 0 <= (end - start).days <= 31:
            errors["to"] = ["Не больше месяца и не раньше «from»."]
        if errors:
            raise ValidationError(errors)
        if lesson is not None:
            queryset = queryset.filter(lesson_id=lesson)
        if school_class is not None:
            queryset = queryset.filter(lesson__school_class_id=school_class)
        if group is not None:
            queryset = queryset.filter(lesson__group_id=group)
        if start and end:
            queryset = queryset.filter(lesson__date__range=(start, end))
        return Response(HomeworkSerializer(queryset, many=True).data)

    def _input(self, data) -> hw.HomeworkInput:
        return hw.HomeworkInput(
            text=data["text"],
            method=data["method"],
            pages=data["pages"],
            exercises=data["exercises"],
            practical=data["practical"],
            students=data["students"],
            for_lesson=data["for_lesson"],
            files=[hw.FileInput(f.name, f.read()) for f in data["files"]],
        )

    def _save(self, request, homework=None):
        data = validated(HomeworkWriteSerializer, request)
        lesson = data["lesson"] if homework is None else homework.lesson
        saved = hw.homework_save(
            ctx=self.ctx(),
            lesson=lesson,
            author=staff_of(self.caller),
            data=self._input(data),
            homework=homework,
        )
        return HomeworkSerializer(self.base_queryset().get(pk=saved.pk)).data

    @extend_schema(request=HomeworkWriteSerializer, responses={201: HomeworkSerializer})
    def create(self, request):
        return Response(self._save(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=HomeworkWriteSerializer, responses=HomeworkSerializer)
    def update(self, request, pk=None):
        return Response(self._save(request, self.get_object()))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        hw.homework_delete(ctx=self.ctx(), actor=staff_of(self.caller), homework=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecommendationViewSet(mixins.ListModelMixin, _TimetableViewSet):
    """Teachers' recommendations to a student (TTB-09): `?student=` (required)."""

    scope_map = {"GET": {Scope.CLASS_READ, Scope.PEOPLE_READ}, "POST": {Scope.CLASS_READ}}
    queryset = Recommendation.objects.select_related("author").order_by("-created_at", "-pk")
    serializer_class = RecommendationSerializer

    def restrict(self, queryset, caller):
        return queryset.filter(student__in=students_visible(caller))

    @extend_schema(parameters=[OpenApiParameter("student", int, required=True)])
    def list(self, request):
        errors: dict = {}
        student = _int_param(request, "student", errors)
        if student is None:
            errors.setdefault("student", ["Укажите обучающегося."])
        if errors:
            raise ValidationError(errors)
        rows = list(self.get_queryset().filter(student_id=student)[:500])
        personal_data_logged(
            caller=self.caller, what="recommendations", count=len(rows), query=f"student={student}"
        )
        return Response(RecommendationSerializer(rows, many=True).data)

    @extend_schema(request=RecommendationWriteSerializer, responses={201: RecommendationSerializer})
    def create(self, request):
        data = validated(RecommendationWriteSerializer, request)
        made = hw.recommendation_add(ctx=self.ctx(), author=staff_of(self.caller), **data)
        return Response(RecommendationSerializer(made).data, status=status.HTTP_201_CREATED)
