from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.params import validated
from otmetka.audit.context import AuditContext
from tenants.configuration import (
    catalogue,
    completeness,
    regional_template,
    selectors,
    services,
)
from tenants.configuration.conversion import Converter
from tenants.configuration.models import (
    AcademicYear,
    Conversion,
    ConversionRule,
    GradeValue,
    GradingAssignment,
    GradingSystem,
    HolidayPeriod,
    LocalAct,
    Notation,
    Period,
    RegulationVersion,
    Room,
    Subject,
    WorkType,
)

from .serializers import (
    AcademicYearCreateSerializer,
    AcademicYearSerializer,
    AdoptSerializer,
    CalendarDaySerializer,
    CatalogueAddSerializer,
    CatalogueSubjectSerializer,
    ChecklistSerializer,
    ConversionSerializer,
    ConversionWriteSerializer,
    ConvertRequestSerializer,
    GradeValueSerializer,
    GradingAssignmentSerializer,
    GradingSystemCreateSerializer,
    GradingSystemSerializer,
    HolidaySerializer,
    LocalActSerializer,
    LocalActUploadSerializer,
    NotationSerializer,
    OrderSerializer,
    PeriodLockSerializer,
    PeriodStructureSerializer,
    PeriodStructureWriteSerializer,
    PublishSerializer,
    RegulationSettingSerializer,
    RegulationVersionSerializer,
    RegulationVersionWriteSerializer,
    ReopenSerializer,
    RoomSerializer,
    SubjectSerializer,
    TemplateStateSerializer,
    WorkTypeSerializer,
)

SETTINGS = {
    "GET": {Scope.SETTINGS_READ},
    "POST": {Scope.SETTINGS_WRITE},
    "PUT": {Scope.SETTINGS_WRITE},
    "DELETE": {Scope.SETTINGS_WRITE},
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
        data = validated(AcademicYearCreateSerializer, request)
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
        data = validated(OrderSerializer, request)
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
        data = validated(PeriodStructureWriteSerializer, request)
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
        data = validated(HolidaySerializer, request)
        holiday = services.holiday_create(ctx=self.ctx(), **data)
        return Response(HolidaySerializer(holiday).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.holiday_delete(ctx=self.ctx(), holiday=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- grading, conversion, work types, notations --------------------------------------------------


class GradingSystemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Grading systems (CFG-06): presets and school-defined scales."""

    queryset = GradingSystem.objects.prefetch_related(
        Prefetch("values", queryset=GradeValue.objects.order_by("position"))
    ).order_by("name")
    serializer_class = GradingSystemSerializer
    pagination_class = None

    @extend_schema(request=GradingSystemCreateSerializer, responses={201: GradingSystemSerializer})
    def create(self, request):
        data = validated(GradingSystemCreateSerializer, request)
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

    @extend_schema(request=None, responses=GradingSystemSerializer)
    @action(detail=True, methods=["post"], url_path="make-default")
    def make_default(self, request, pk=None):
        """The scale used wherever no assignment says otherwise."""
        system = services.grading_system_make_default(ctx=self.ctx(), system=self.get_object())
        return Response(GradingSystemSerializer(self.base_queryset().get(pk=system.pk)).data)


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
        data = validated(ConversionWriteSerializer, request)
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
        data = validated(ConvertRequestSerializer, request)
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


# --- regulation settings (CFG-10) ----------------------------------------------------------------


def _date_param(request, name: str):
    raw = request.query_params.get(name)
    if raw is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: ["Дата в формате ГГГГ-ММ-ДД."]}) from None


class RegulationViewSet(mixins.ListModelMixin, _SettingsViewSet):
    """The regulation's settings (§C, X-01…X-17) in force on a day, and their versions."""

    queryset = RegulationVersion.objects.order_by("effective_from", "pk")
    serializer_class = RegulationVersionSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE)],
        responses=RegulationSettingSerializer(many=True),
    )
    def list(self, request):
        """Every setting: value in force, where it comes from, allowed range."""
        self.base_queryset()
        rows = selectors.regulation_table(_date_param(request, "on"))
        return Response(RegulationSettingSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=RegulationVersionSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=RegulationVersionWriteSerializer,
        responses={201: RegulationVersionSerializer},
    )
    @action(detail=False, methods=["get", "post"])
    def versions(self, request):
        if request.method == "GET":
            return Response(RegulationVersionSerializer(self.get_queryset(), many=True).data)
        data = validated(RegulationVersionWriteSerializer, request)
        version = services.regulation_version_create(
            ctx=self.ctx(),
            effective_from=data["effective_from"],
            order=services.Order(data["order_number"], data["order_date"]),
            values=data["values"],
            note=data["note"],
        )
        return Response(RegulationVersionSerializer(version).data, status=status.HTTP_201_CREATED)


# --- period locks (CFG-12) -----------------------------------------------------------------------


class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Periods with their lock state; close an ended one, reopen with a reason (N-05)."""

    queryset = Period.objects.select_related("structure__year").order_by(
        "structure__year__start", "structure__grade_from", "start"
    )
    serializer_class = PeriodLockSerializer
    pagination_class = None
    action_scope_map = {"reopen": {Scope.PERIODS_REOPEN}}

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="by default the current year")]
    )
    def list(self, request):
        queryset = self.get_queryset()
        year = request.query_params.get("year")
        if year is not None and not year.isdigit():
            raise ValidationError({"year": ["Укажите номер учебного года."]})
        queryset = (
            queryset.filter(structure__year_id=int(year))
            if year
            else queryset.filter(structure__year__is_current=True)
        )
        return Response(PeriodLockSerializer(queryset, many=True).data)

    @extend_schema(request=None, responses=PeriodLockSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        period = services.period_close(ctx=self.ctx(), period=self.get_object())
        return Response(PeriodLockSerializer(self.get_queryset().get(pk=period.pk)).data)

    @extend_schema(request=ReopenSerializer, responses=PeriodLockSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = validated(ReopenSerializer, request)
        period = services.period_reopen(
            ctx=self.ctx(), period=self.get_object(), reason=data["reason"], hours=data["hours"]
        )
        return Response(PeriodLockSerializer(self.get_queryset().get(pk=period.pk)).data)


# --- subjects and rooms (CFG-13) -----------------------------------------------------------------


class SubjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Subjects: federal (from the shipped ФБУП catalogue) and the school's own."""

    queryset = Subject.objects.order_by("name")
    serializer_class = SubjectSerializer
    pagination_class = None

    def _save(self, request, subject=None):
        data = validated(SubjectSerializer, request)
        return services.subject_save(
            ctx=self.ctx(),
            data=services.SubjectInput(
                name=data["name"],
                kind=data["kind"],
                short_name=data.get("short_name", ""),
                federal_code=data.get("federal_code", ""),
                area=data.get("area", ""),
                is_active=data.get("is_active", True),
            ),
            subject=subject,
        )

    @extend_schema(request=SubjectSerializer, responses={201: SubjectSerializer})
    def create(self, request):
        return Response(SubjectSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SubjectSerializer, responses=SubjectSerializer)
    def update(self, request, pk=None):
        return Response(SubjectSerializer(self._save(request, self.get_object())).data)

    @extend_schema(request=None, responses=CatalogueSubjectSerializer(many=True))
    @action(detail=False, methods=["get"])
    def catalogue(self, request):
        """The shipped catalogue of federal subjects, marking those the school has added."""
        added = set(self.get_queryset().values_list("federal_code", flat=True))
        rows = [
            {
                "code": s.code,
                "name": s.name,
                "short_name": s.short_name,
                "area": s.area,
                "grades": list(s.grades),
                "added": s.code in added,
            }
            for s in catalogue.SUBJECTS
        ]
        return Response(CatalogueSubjectSerializer(rows, many=True).data)

    @extend_schema(request=CatalogueAddSerializer, responses={201: SubjectSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="from-catalogue")
    def from_catalogue(self, request):
        data = validated(CatalogueAddSerializer, request)
        added = services.subjects_add_from_catalogue(ctx=self.ctx(), codes=data["codes"])
        return Response(SubjectSerializer(added, many=True).data, status=status.HTTP_201_CREATED)


class RoomViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """Rooms (CFG-13)."""

    queryset = Room.objects.order_by("number")
    serializer_class = RoomSerializer
    pagination_class = None

    def _save(self, request, room=None):
        data = validated(RoomSerializer, request)
        return services.room_save(
            ctx=self.ctx(),
            number=data["number"],
            name=data.get("name", ""),
            kind=data["kind"],
            capacity=data.get("capacity"),
            is_active=data.get("is_active", True),
            room=room,
        )

    @extend_schema(request=RoomSerializer, responses={201: RoomSerializer})
    def create(self, request):
        return Response(RoomSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoomSerializer, responses=RoomSerializer)
    def update(self, request, pk=None):
        return Response(RoomSerializer(self._save(request, self.get_object())).data)


class GradingAssignmentViewSet(mixins.ListModelMixin, _SettingsViewSet):
    """Which grading system a subject and/or grade range uses (CFG-06)."""

    queryset = GradingAssignment.objects.order_by("subject_id", "grade_from")
    serializer_class = GradingAssignmentSerializer
    pagination_class = None

    @extend_schema(
        request=GradingAssignmentSerializer, responses={201: GradingAssignmentSerializer}
    )
    def create(self, request):
        data = validated(GradingAssignmentSerializer, request)
        assignment = services.grading_assignment_save(ctx=self.ctx(), **data)
        return Response(
            GradingAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.grading_assignment_delete(ctx=self.ctx(), assignment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("grade", int, required=True),
            OpenApiParameter("subject", int),
            OpenApiParameter("class", int),
        ],
        responses=GradingSystemSerializer,
    )
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        """The scale a subject uses in a grade: the most specific assignment wins."""
        self.base_queryset()
        grade, subject_id = (
            request.query_params.get("grade", ""),
            request.query_params.get("subject", ""),
        )
        errors = {}
        if not grade.isdigit() or not 1 <= int(grade) <= 11:
            errors["grade"] = ["Укажите класс от 1 до 11."]
        subject = None
        if subject_id:
            subject = Subject.objects.filter(
                pk=int(subject_id) if subject_id.isdigit() else 0
            ).first()
            if subject is None:
                errors["subject"] = ["Нет такого предмета."]
        if errors:
            raise ValidationError(errors)
        class_id = request.query_params.get("class", "")
        school_class = None
        if class_id:
            from tenants.people.models import SchoolClass

            school_class = SchoolClass.objects.filter(
                pk=int(class_id) if class_id.isdigit() else 0
            ).first()
            if school_class is None:
                raise ValidationError({"class": ["Нет такого класса."]})
        system = selectors.grading_system_for(
            subject=subject,
            grade=school_class.grade if school_class else int(grade),
            school_class=school_class,
        )
        return Response(
            GradingSystemSerializer(GradingSystemViewSet.queryset.get(pk=system.pk)).data
        )


# --- local acts (CFG-11) -------------------------------------------------------------------------


class LocalActViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _SettingsViewSet):
    """The school's local acts: upload (multipart), publish or withdraw, download."""

    queryset = LocalAct.objects.order_by("-order_date", "-pk")
    serializer_class = LocalActSerializer
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": LocalActUploadSerializer},
        responses={201: LocalActSerializer},
    )
    def create(self, request):
        data = validated(LocalActUploadSerializer, request)
        upload = data["file"]
        if upload.size > services.ACT_MAX_BYTES:
            raise ValidationError({"file": ["Файл больше 20 МБ."]})
        act = services.local_act_upload(
            ctx=self.ctx(),
            title=data["title"],
            kind=data["kind"],
            order=services.Order(data["order_number"], data["order_date"]),
            is_public=data["is_public"],
            file_name=upload.name,
            data=upload.read(),
        )
        return Response(LocalActSerializer(act).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishSerializer, responses=LocalActSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = validated(PublishSerializer, request)
        act = services.local_act_publish(
            ctx=self.ctx(), act=self.get_object(), published=data["published"]
        )
        return Response(LocalActSerializer(act).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        return act_file_response(self.get_object())


def act_file_response(act: LocalAct) -> HttpResponse:
    from services.storage import get_storage

    response = HttpResponse(get_storage().get(act.file_key), content_type=act.content_type)
    response["Content-Disposition"] = content_disposition_header(False, act.file_name)
    return response


# --- setup completeness and the region's template ------------------------------------------------


class SetupChecklistViewSet(_SettingsViewSet):
    """Setup completeness (CFG-05) against `setup_deadline` (X-01)."""

    queryset = AcademicYear.objects.none()
    serializer_class = ChecklistSerializer
    pagination_class = None

    @extend_schema(responses=ChecklistSerializer)
    def list(self, request):
        self.base_queryset()
        checklist = completeness.school_checklist(today=timezone.localdate())
        return Response(
            ChecklistSerializer(
                {
                    "deadline": checklist.deadline,
                    "done": checklist.done,
                    "total": len(checklist.items),
                    "items": [
                        {"code": item.code, "label": item.label, "state": state}
                        for item, state in checklist.items
                    ],
                }
            ).data
        )


class RegionalTemplateViewSet(_SettingsViewSet):
    """The region's template (N-22): how the school differs from it; adopt a newer version."""

    queryset = AcademicYear.objects.none()
    serializer_class = TemplateStateSerializer
    pagination_class = None

    @extend_schema(responses=TemplateStateSerializer)
    def list(self, request):
        self.base_queryset()
        return Response(TemplateStateSerializer(template_state()).data)

    @extend_schema(request=AdoptSerializer, responses=TemplateStateSerializer)
    @action(detail=False, methods=["post"])
    def adopt(self, request):
        from otmetka.region.models import RegionTemplate

        self.base_queryset()
        data = validated(AdoptSerializer, request)
        template = RegionTemplate.objects.filter(version=data["version"], is_published=True).first()
        if template is None:
            raise ValidationError(
                {"version": ["Нет опубликованной версии шаблона с таким номером."]}
            )
        missing = [s for s in data["sections"] if s not in template.content]
        if missing:
            raise ValidationError(
                {"sections": [f"В этой версии нет разделов: {', '.join(missing)}."]}
            )
        regional_template.template_apply(
            ctx=self.ctx(),
            version=template.version,
            content=template.content,
            sections=list(dict.fromkeys(data["sections"])),
        )
        return Response(TemplateStateSerializer(template_state()).data)


def template_state() -> dict:
    from otmetka.region.services import template_published

    published = template_published()
    adopted = selectors.template_adopted()
    differences = (
        regional_template.template_diff(published.content, today=timezone.localdate())
        if published
        else []
    )
    return {
        "published_version": published.version if published else None,
        "adopted_version": adopted.template_version if adopted else None,
        "newer_available": bool(
            published and (adopted is None or adopted.template_version < published.version)
        ),
        "differences": differences,
    }
