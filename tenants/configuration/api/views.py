from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.audit.context import AuditContext
from tenants.configuration import selectors, services
from tenants.configuration.models import AcademicYear, HolidayPeriod

from .serializers import (
    AcademicYearCreateSerializer,
    AcademicYearSerializer,
    CalendarDaySerializer,
    HolidaySerializer,
    OrderSerializer,
    PeriodStructureSerializer,
    PeriodStructureWriteSerializer,
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
