from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.audit.context import AuditContext
from tenants.configuration import selectors, services
from tenants.configuration.conversion import Converter
from tenants.configuration.models import (
    AcademicYear,
    Conversion,
    ConversionRule,
    GradeValue,
    GradingSystem,
    HolidayPeriod,
    Notation,
    WorkType,
)

from .serializers import (
    AcademicYearCreateSerializer,
    AcademicYearSerializer,
    CalendarDaySerializer,
    ConversionSerializer,
    ConversionWriteSerializer,
    ConvertRequestSerializer,
    GradeValueSerializer,
    GradingSystemCreateSerializer,
    GradingSystemSerializer,
    HolidaySerializer,
    NotationSerializer,
    OrderSerializer,
    PeriodStructureSerializer,
    PeriodStructureWriteSerializer,
    WorkTypeSerializer,
)

SETTINGS = {
    "GET": {Scope.SETTINGS_READ},
    "POST": {Scope.SETTINGS_WRITE},
    "PUT": {Scope.SETTINGS_WRITE},
}


class _SettingsViewSet(ScopedViewSet):
    abstract = True
    audience = SCHOOL
    scope_map = SETTINGS

    def restrict(self, queryset, caller):
        # the whole school's year is visible to its staff; the school is the schema itself
        return queryset if caller.has_any({Scope.SETTINGS_READ}) else queryset.none()

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)


class AcademicYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Academic years (CFG-01): exactly one is current; opening and closing cite an order."""

    queryset = AcademicYear.objects.order_by("-start")
    serializer_class = AcademicYearSerializer
    pagination_class = None

    @extend_schema(request=AcademicYearCreateSerializer, responses={201: AcademicYearSerializer})
    def create(self, request):
        data = _valid(AcademicYearCreateSerializer, request)
        year = services.academic_year_create(
            ctx=self.ctx(),
            name=data["name"],
            start=data["start"],
            end=data["end"],
            order=services.Order(data["order_number"], data["order_date"]),
            make_current=data["make_current"],
        )
        return Response(AcademicYearSerializer(year).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AcademicYearSerializer)
    @action(detail=True, methods=["post"], url_path="make-current")
    def make_current(self, request, pk=None):
        year = services.academic_year_make_current(ctx=self.ctx(), year=self.get_object())
        return Response(AcademicYearSerializer(year).data)

    @extend_schema(request=OrderSerializer, responses=AcademicYearSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _valid(OrderSerializer, request)
        year = services.academic_year_close(
            ctx=self.ctx(),
            year=self.get_object(),
            order=services.Order(data["order_number"], data["order_date"]),
        )
        return Response(AcademicYearSerializer(year).data)

    @extend_schema(
        parameters=[OpenApiParameter("grade", int, required=True)],
        responses=CalendarDaySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def calendar(self, request, pk=None):
        """The annual calendar of one grade (CFG-04)."""
        try:
            grade = int(request.query_params.get("grade", ""))
        except ValueError:
            grade = 0
        if not 1 <= grade <= 11:
            raise ValidationError({"grade": ["Укажите класс от 1 до 11."]})
        days = selectors.annual_calendar(year=self.get_object(), grade=grade)
        return Response(CalendarDaySerializer(days, many=True).data)


class PeriodStructureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Period structures per grade range (CFG-02); writing replaces all periods at once."""

    queryset = selectors.period_structure_list()
    serializer_class = PeriodStructureSerializer
    pagination_class = None

    def _save(self, request, structure=None):
        data = _valid(PeriodStructureWriteSerializer, request)
        structure = services.period_structure_save(
            ctx=self.ctx(),
            year=data["year"],
            name=data["name"],
            grade_from=data["grade_from"],
            grade_to=data["grade_to"],
            structure=structure,
            periods=[services.PeriodInput(**p) for p in data["periods"]],
        )
        return selectors.period_structure_list().get(pk=structure.pk)

    @extend_schema(
        request=PeriodStructureWriteSerializer, responses={201: PeriodStructureSerializer}
    )
    def create(self, request):
        structure = self._save(request)
        return Response(PeriodStructureSerializer(structure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodStructureWriteSerializer, responses=PeriodStructureSerializer)
    def update(self, request, pk=None):
        structure = self._save(request, structure=self.get_object())
        return Response(PeriodStructureSerializer(structure).data)


class HolidayViewSet(mixins.ListModelMixin, _SettingsViewSet):
    """Holidays (CFG-03)."""

    queryset = HolidayPeriod.objects.order_by("start")
    serializer_class = HolidaySerializer
    pagination_class = None

    @extend_schema(request=HolidaySerializer, responses={201: HolidaySerializer})
    def create(self, request):
        data = _valid(HolidaySerializer, request)
        holiday = services.holiday_create(ctx=self.ctx(), **data)
        return Response(HolidaySerializer(holiday).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- grading, conversion, work types, notations ---------------------------------------------


class GradingSystemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Grading systems (CFG-06): presets and school-defined scales."""

    queryset = GradingSystem.objects.prefetch_related(
        Prefetch("values", queryset=GradeValue.objects.order_by("position"))
    ).order_by("name")
    serializer_class = GradingSystemSerializer
    pagination_class = None

    @extend_schema(request=GradingSystemCreateSerializer, responses={201: GradingSystemSerializer})
    def create(self, request):
        data = _valid(GradingSystemCreateSerializer, request)
        system = services.grading_system_create(
            ctx=self.ctx(),
            name=data["name"],
            kind=data["kind"],
            values=[services.ValueInput(**v) for v in data["values"]],
        )
        return Response(
            GradingSystemSerializer(self.base_queryset().get(pk=system.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ConversionViewSet(mixins.ListModelMixin, _SettingsViewSet):
    """Conversions between grading systems (CFG-07); POST replaces source → target."""

    queryset = Conversion.objects.prefetch_related(
        Prefetch(
            "rules", queryset=ConversionRule.objects.select_related("source_value", "target_value")
        )
    ).order_by("pk")
    serializer_class = ConversionSerializer
    pagination_class = None

    @extend_schema(request=ConversionWriteSerializer, responses={201: ConversionSerializer})
    def create(self, request):
        data = _valid(ConversionWriteSerializer, request)
        conversion = services.conversion_save(
            ctx=self.ctx(),
            source=data["source"],
            target=data["target"],
            rules=[services.RuleInput(**r) for r in data["rules"]],
        )
        return Response(
            ConversionSerializer(self.base_queryset().get(pk=conversion.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ConvertRequestSerializer, responses=GradeValueSerializer)
    @action(detail=False, methods=["post"])
    def convert(self, request):
        """Convert one mark, as mixed reports do."""
        data = _valid(ConvertRequestSerializer, request)
        conversion = (
            self.get_queryset().filter(source=data["source"], target=data["target"]).first()
        )
        if conversion is None:
            raise ValidationError({"target": ["Перевод между этими шкалами не задан."]})
        value = data["source"].values.filter(code=data["code"]).first()
        if value is None:
            raise ValidationError({"code": [f"В шкале «{data['source']}» нет «{data['code']}»."]})
        converted = Converter.load(conversion).convert(value)
        if converted is None:
            raise ValidationError({"code": ["Для этого значения правило перевода не задано."]})
        return Response(GradeValueSerializer(converted).data)


class WorkTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Work types (CFG-08) with weight (N-02) and mark deadline (X-03)."""

    queryset = WorkType.objects.order_by("name")
    serializer_class = WorkTypeSerializer
    pagination_class = None

    def _save(self, request, work_type=None):
        serializer = WorkTypeSerializer(work_type, data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if work_type is None and WorkType.objects.filter(code=data["code"]).exists():
            raise ValidationError({"code": ["Вид работы с таким кодом уже есть."]})
        return services.work_type_save(
            ctx=self.ctx(),
            code=data["code"],
            name=data["name"],
            form_of_control=data["form_of_control"],
            weight=data.get("weight", Decimal(1)),
            mark_due_days=data.get("mark_due_days", 0),
            is_active=data.get("is_active", True),
            work_type=work_type,
        )

    @extend_schema(request=WorkTypeSerializer, responses={201: WorkTypeSerializer})
    def create(self, request):
        return Response(
            WorkTypeSerializer(self._save(request)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=WorkTypeSerializer, responses=WorkTypeSerializer)
    def update(self, request, pk=None):
        return Response(WorkTypeSerializer(self._save(request, self.get_object())).data)


class NotationViewSet(mixins.ListModelMixin, _SettingsViewSet):
    """Notations in place of a period mark (CFG-09, X-10): switch on/off and relabel."""

    queryset = Notation.objects.order_by("code")
    serializer_class = NotationSerializer
    pagination_class = None

    @extend_schema(request=NotationSerializer, responses=NotationSerializer)
    def update(self, request, pk=None):
        notation = self.get_object()
        serializer = NotationSerializer(notation, data=request.data)
        serializer.is_valid(raise_exception=True)
        notation = services.notation_update(
            ctx=self.ctx(),
            notation=notation,
            label=serializer.validated_data["label"],
            is_enabled=serializer.validated_data.get("is_enabled", notation.is_enabled),
        )
        return Response(NotationSerializer(notation).data)
