from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import REGION, ScopedViewSet
from otmetka.audit.context import AuditContext
from otmetka.region import selectors, services
from otmetka.region.choices import SchoolStatus
from otmetka.region.models import Municipality, RegionTemplate, School

from .serializers import (
    CompletenessTotalsSerializer,
    MunicipalitySerializer,
    RegionTemplateSerializer,
    RegionTemplateWriteSerializer,
    SchoolCreatedSerializer,
    SchoolCreateSerializer,
    SchoolSerializer,
    SchoolStatusSerializer,
)


class MunicipalityViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Municipalities of the region."""

    audience = REGION
    scope_map = {"GET": {Scope.SCHOOLS_READ}}
    queryset = Municipality.objects.order_by("name")
    serializer_class = MunicipalitySerializer
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset.filter(pk__in=selectors.municipality_list(caller=caller).values("pk"))


class SchoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Schools of the region for ministry and municipal officers (no personal data)."""

    audience = REGION
    scope_map = {"GET": {Scope.SCHOOLS_READ}, "POST": {Scope.SCHOOLS_WRITE}}
    queryset = School.objects.select_related("municipality").order_by("short_name")
    serializer_class = SchoolSerializer

    def restrict(self, queryset, caller):
        return selectors.schools_restrict(queryset, caller)

    def _ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)

    @extend_schema(request=SchoolCreateSerializer, responses={201: SchoolCreatedSerializer})
    def create(self, request):
        serializer = SchoolCreateSerializer(
            data=request.data,
            municipalities=selectors.municipality_list(caller=self.caller),
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.school_create(
            ctx=self._ctx(),
            slug=data["slug"],
            full_name=data["full_name"],
            short_name=data["short_name"],
            inn=data["inn"],
            address=data.get("address", ""),
            time_zone=data["time_zone"],
            municipality=data["municipality"],
            admin=services.AdminSpec(**data["admin"]),
        )
        body = SchoolCreatedSerializer(
            {
                "school": created.school,
                "admin_username": created.admin.username if created.admin else None,
                "admin_password": created.admin_password,
                "method": created.method,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _status_change(self, request, pk, change):
        school = self.get_object()
        serializer = SchoolStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        school = change(ctx=self._ctx(), school=school, reason=serializer.validated_data["reason"])
        return Response(SchoolSerializer(school).data)

    @extend_schema(request=SchoolStatusSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Suspend a school: its pages and API answer "suspended" until it is activated."""
        return self._status_change(request, pk, services.school_suspend)

    @extend_schema(request=SchoolStatusSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive a school: its data stays readable, every write is refused."""
        return self._status_change(request, pk, services.school_archive)

    @extend_schema(request=SchoolStatusSerializer, responses=SchoolSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Return a suspended or archived school to work."""
        return self._status_change(request, pk, services.school_activate)


class RegionTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The region's configuration template (N-22): versions, the draft, publishing."""

    audience = REGION
    scope_map = {"GET": {Scope.REGION_READ}, "POST": {Scope.TEMPLATES_WRITE}}
    queryset = RegionTemplate.objects.order_by("-version")
    serializer_class = RegionTemplateSerializer
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset  # the template holds no personal data; every region role may read it

    def _ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)

    @extend_schema(request=RegionTemplateWriteSerializer, responses={201: RegionTemplateSerializer})
    def create(self, request):
        """Save the draft: creates the next version or replaces the draft's content."""
        serializer = RegionTemplateWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.base_queryset()
        draft = services.template_draft_save(
            ctx=self._ctx(),
            content=serializer.validated_data["content"],
            note=serializer.validated_data["note"],
        )
        return Response(RegionTemplateSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RegionTemplateSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        template = services.template_publish(ctx=self._ctx(), template=self.get_object())
        return Response(RegionTemplateSerializer(template).data)


class SetupCompletenessViewSet(ScopedViewSet):
    """Setup completeness across the caller's schools (CFG-05): counts only, no personal data."""

    audience = REGION
    scope_map = {"GET": {Scope.SCHOOLS_READ}}
    queryset = School.objects.filter(status=SchoolStatus.ACTIVE).order_by("schema_name")
    serializer_class = CompletenessTotalsSerializer
    pagination_class = None

    def restrict(self, queryset, caller):
        return selectors.schools_restrict(queryset, caller)

    @extend_schema(responses=CompletenessTotalsSerializer(many=True))
    def list(self, request):
        from tenants.configuration.completeness import region_totals

        schemas = list(self.get_queryset().values_list("schema_name", flat=True))
        totals = region_totals(schemas)
        rows = [
            {"code": t.item.code, "label": t.item.label, "done": t.done, "not_done": t.not_done}
            for t in totals
        ]
        return Response(CompletenessTotalsSerializer(rows, many=True).data)
