"""People and structure API (school host). Reads go through the access selectors; list views of
personal data are logged (PDN-06)."""

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.audit.context import AuditContext
from tenants.configuration.services import Order
from tenants.people import imports, selectors, services
from tenants.people.models import (
    Consent,
    Group,
    Guardian,
    GuardianLink,
    ImportJob,
    Movement,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)

from .serializers import (
    ConsentSerializer,
    ConsentWriteSerializer,
    CredentialsSerializer,
    DeactivateSerializer,
    EnrolSerializer,
    GroupSerializer,
    GroupWriteSerializer,
    GuardianLinkSerializer,
    GuardianSerializer,
    ImportJobSerializer,
    ImportStartSerializer,
    JoinSerializer,
    LeaveSerializer,
    MemberSerializer,
    MovementSerializer,
    PromoteSerializer,
    PromotionResultSerializer,
    SchoolClassSerializer,
    SchoolClassWriteSerializer,
    StaffAlertsSerializer,
    StaffSerializer,
    StaffWriteSerializer,
    StudentSerializer,
    StudentWriteSerializer,
    TeachingSerializer,
    TransferSerializer,
    WithdrawSerializer,
)

READ = {Scope.PEOPLE_READ}
WRITE = {Scope.PEOPLE_WRITE}


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _order(data) -> Order:
    return Order(data["order_number"], data["order_date"])


def _names(data) -> services.Names:
    return services.Names(data["last_name"], data["first_name"], data.get("middle_name", ""))


class _PeopleViewSet(ScopedViewSet):
    abstract = True
    audience = SCHOOL
    pagination_class = None

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)

    def logged(self, what: str, rows: list) -> list:
        selectors.personal_data_logged(
            caller=self.caller, what=what, count=len(rows), query=self.request.get_full_path()
        )
        return rows


class StaffViewSet(mixins.RetrieveModelMixin, _PeopleViewSet):
    """Staff (PPL-01, PPL-02): positions and contract dates; deactivation, never deletion."""

    scope_map = {"GET": READ, "POST": WRITE, "PUT": WRITE}
    queryset = Staff.objects.order_by("last_name", "first_name", "pk")
    serializer_class = StaffSerializer

    def restrict(self, queryset, caller):
        return queryset if caller.has_any(READ) else queryset.none()

    def list(self, request):
        rows = list(self.get_queryset())
        return Response(StaffSerializer(self.logged("staff.list", rows), many=True).data)

    def _input(self, data) -> services.StaffInput:
        return services.StaffInput(
            names=_names(data),
            positions=data["positions"],
            contract_start=data["contract_start"],
            contract_end=data["contract_end"],
            email=data["email"],
            phone=data["phone"],
        )

    @extend_schema(request=StaffWriteSerializer, responses={201: StaffSerializer})
    def create(self, request):
        data = _valid(StaffWriteSerializer, request)
        staff = services.staff_save(ctx=self.ctx(), data=self._input(data))
        return Response(StaffSerializer(staff).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StaffWriteSerializer, responses=StaffSerializer)
    def update(self, request, pk=None):
        staff = self.get_object()
        data = _valid(StaffWriteSerializer, request)
        return Response(
            StaffSerializer(
                services.staff_save(ctx=self.ctx(), data=self._input(data), staff=staff)
            ).data
        )

    @extend_schema(request=None, responses=StaffAlertsSerializer)
    @action(detail=False, methods=["get"], url_path="access-alerts")
    def access_alerts(self, request):
        """Staff whose access is late to open or to close (PPL-15, PPL-16)."""
        self.base_queryset()
        alerts = selectors.staff_access_alerts()
        return Response(StaffAlertsSerializer(alerts).data)

    @extend_schema(request=DeactivateSerializer, responses=StaffSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """A leaver's access ends (PPL-16, X-12); the record and its authorship stay."""
        staff = self.get_object()
        data = _valid(DeactivateSerializer, request)
        staff = services.staff_deactivate(
            ctx=self.ctx(),
            staff=staff,
            contract_end=data["contract_end"],
            school_id=self.caller.school_id,
        )
        return Response(StaffSerializer(staff).data)


class StudentViewSet(mixins.RetrieveModelMixin, _PeopleViewSet):
    """Students: staff see those they teach or lead (PPL-03, PPL-04); the administration all."""

    scope_map = {
        "GET": {Scope.PEOPLE_READ, Scope.CLASS_READ},
        "POST": WRITE,
        "PUT": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE},
    }
    action_scope_map = {"guardians": {Scope.PEOPLE_READ, Scope.CLASS_READ}}
    queryset = Student.objects.all()
    serializer_class = StudentSerializer

    def restrict(self, queryset, caller):
        # the visible students, with their current class and guardians prefetched
        return selectors.student_list(caller)

    def list(self, request):
        queryset = self.get_queryset()
        status_filter = request.query_params.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        rows = list(queryset)
        return Response(StudentSerializer(self.logged("students.list", rows), many=True).data)

    def _editable(self, student: Student) -> Student:
        if not selectors.students_editable(self.caller).filter(pk=student.pk).exists():
            raise PermissionDenied("Изменять данные этого обучающегося вы не можете.")
        return student

    @extend_schema(request=EnrolSerializer, responses={201: StudentSerializer})
    def create(self, request):
        """Enrol a student into a class on an order (PPL-12)."""
        data = _valid(EnrolSerializer, request)
        student = services.student_enrol(
            ctx=self.ctx(),
            data=self._input(data),
            school_class=data["school_class"],
            date_from=data["date"],
            order=_order(data),
        )
        return Response(
            StudentSerializer(self.get_queryset().get(pk=student.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _input(self, data) -> services.StudentInput:
        return services.StudentInput(
            names=_names(data),
            birth_date=data["birth_date"],
            form_of_education=data["form_of_education"],
            individual_curriculum=data["individual_curriculum"],
            email=data["email"],
            phone=data["phone"],
        )

    @extend_schema(request=StudentWriteSerializer, responses=StudentSerializer)
    def update(self, request, pk=None):
        student = self._editable(self.get_object())
        data = _valid(StudentWriteSerializer, request)
        services.student_update(ctx=self.ctx(), student=student, data=self._input(data))
        return Response(StudentSerializer(self.get_queryset().get(pk=student.pk)).data)

    @extend_schema(methods=["GET"], request=None, responses=GuardianSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=GuardianLinkSerializer, responses={201: StudentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def guardians(self, request, pk=None):
        """The student's guardians; POST links an existing or a new one (PPL-05)."""
        student = self.get_object()
        if request.method == "GET":
            rows = [link.guardian for link in student.active_links]
            return Response(GuardianSerializer(self.logged("guardians.list", rows), many=True).data)
        self._editable(student)
        data = _valid(GuardianLinkSerializer, request)
        guardian = data["guardian"]
        if (
            guardian is not None
            and not selectors.guardians_visible(self.caller).filter(pk=guardian.pk).exists()
        ):
            raise PermissionDenied("Этот представитель вам не виден.")
        services.guardian_link(
            ctx=self.ctx(),
            student=student,
            relation=data["relation"],
            guardian=guardian,
            data=None
            if guardian
            else services.GuardianInput(_names(data), data["email"], data["phone"]),
        )
        return Response(
            StudentSerializer(self.get_queryset().get(pk=student.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=TransferSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Move to another class (PPL-08)."""
        data = _valid(TransferSerializer, request)
        movement = services.class_transfer(
            ctx=self.ctx(),
            student=self.get_object(),
            to_class=data["to_class"],
            date_on=data["date"],
            order=_order(data),
        )
        return Response(MovementSerializer(movement).data)

    @extend_schema(request=LeaveSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """Withdrawal, transfer out, expulsion, graduation (PPL-10); ends the diary service."""
        data = _valid(LeaveSerializer, request)
        movement = services.student_leave(
            ctx=self.ctx(),
            student=self.get_object(),
            kind=data["kind"],
            date_on=data["date"],
            order=_order(data),
            destination=data["destination"],
        )
        return Response(MovementSerializer(movement).data)


class GuardianViewSet(mixins.RetrieveModelMixin, _PeopleViewSet):
    """Guardians: the administration sees all, a class teacher those of their class."""

    scope_map = {"GET": {Scope.PEOPLE_READ, Scope.CLASS_WRITE}}
    queryset = Guardian.objects.prefetch_related(
        Prefetch(
            "links",
            queryset=GuardianLink.objects.filter(ended_at__isnull=True),
            to_attr="active_links",
        )
    ).order_by("last_name", "first_name", "pk")
    serializer_class = GuardianSerializer

    def restrict(self, queryset, caller):
        return queryset.filter(pk__in=selectors.guardians_visible(caller).values("pk"))

    def list(self, request):
        rows = list(self.get_queryset())
        return Response(GuardianSerializer(self.logged("guardians.list", rows), many=True).data)


class SchoolClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PeopleViewSet):
    """Classes of a year (PPL-06). Names are not personal data: every staff member sees them;
    the composition only those who may see the students."""

    scope_map = {"GET": {Scope.SETTINGS_READ}, "POST": WRITE, "PUT": WRITE}
    queryset = SchoolClass.objects.order_by("-year__start", "grade", "letter")
    serializer_class = SchoolClassSerializer

    def restrict(self, queryset, caller):
        today = timezone.localdate()
        return queryset.annotate(
            students_count=Count(
                "memberships",
                filter=Q(memberships__start__lte=today)
                & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)),
            )
        )

    def _save(self, request, school_class=None):
        data = _valid(SchoolClassWriteSerializer, request)
        return services.class_save(ctx=self.ctx(), school_class=school_class, **data)

    @extend_schema(request=SchoolClassWriteSerializer, responses={201: SchoolClassSerializer})
    def create(self, request):
        school_class = self._save(request)
        return Response(
            SchoolClassSerializer(self.get_queryset().get(pk=school_class.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SchoolClassWriteSerializer, responses=SchoolClassSerializer)
    def update(self, request, pk=None):
        school_class = self._save(request, self.get_object())
        return Response(SchoolClassSerializer(self.get_queryset().get(pk=school_class.pk)).data)

    @extend_schema(request=None, responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get"])
    def students(self, request, pk=None):
        """The class's composition today, limited to the students the caller may see."""
        school_class = self.get_object()
        visible = selectors.students_visible(self.caller).values("pk")
        rows = list(
            selectors.class_composition(school_class, timezone.localdate()).filter(
                student_id__in=visible
            )
        )
        if not rows and not self.caller.has_any({Scope.PEOPLE_READ, Scope.CLASS_READ}):
            raise PermissionDenied()
        return Response(MemberSerializer(self.logged("class.students", rows), many=True).data)


class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PeopleViewSet):
    """Groups and streams (PPL-06); students join by chosen subject."""

    scope_map = {"GET": {Scope.SETTINGS_READ}, "POST": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE}}
    action_scope_map = {"create": WRITE}
    queryset = Group.objects.prefetch_related("classes").order_by("-year__start", "name")
    serializer_class = GroupSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(request=GroupWriteSerializer, responses={201: GroupSerializer})
    def create(self, request):
        data = _valid(GroupWriteSerializer, request)
        group = services.group_create(ctx=self.ctx(), **data)
        return Response(GroupSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=JoinSerializer, responses=MemberSerializer(many=True))
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        """Students join the group; a class teacher may add students of their own class."""
        group = self.get_object()
        data = _valid(JoinSerializer, request)
        editable = set(
            selectors.students_editable(self.caller)
            .filter(pk__in=[s.pk for s in data["students"]])
            .values_list("pk", flat=True)
        )
        if len(editable) != len(data["students"]):
            raise PermissionDenied("Добавлять в группу можно только своих обучающихся.")
        services.group_join(
            ctx=self.ctx(), group=group, students=data["students"], date_from=data["date"]
        )
        members = group.memberships.select_related("student").filter(end__isnull=True)
        visible = selectors.students_visible(self.caller).values("pk")
        return Response(MemberSerializer(members.filter(student_id__in=visible), many=True).data)


class TeachingViewSet(mixins.ListModelMixin, _PeopleViewSet):
    """Who teaches what to whom (PPL-03): the base of teachers' access."""

    scope_map = {"GET": {Scope.SETTINGS_READ}, "POST": WRITE}
    queryset = Teaching.objects.order_by("pk")
    serializer_class = TeachingSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(request=TeachingSerializer, responses={201: TeachingSerializer})
    def create(self, request):
        data = _valid(TeachingSerializer, request)
        teaching = services.teaching_assign(
            ctx=self.ctx(),
            staff=data["staff"],
            subject=data["subject"],
            school_class=data.get("school_class"),
            group=data.get("group"),
            date_from=data["start"],
            weekly_hours=data.get("weekly_hours"),
        )
        return Response(TeachingSerializer(teaching).data, status=status.HTTP_201_CREATED)


class MovementViewSet(mixins.ListModelMixin, _PeopleViewSet):
    """Movements with their orders (PPL-08…10); year-end promotion in bulk (PPL-09)."""

    scope_map = {"GET": READ, "POST": WRITE}
    queryset = Movement.objects.select_related("student", "from_class", "to_class").order_by(
        "-date", "-pk"
    )
    serializer_class = MovementSerializer

    def restrict(self, queryset, caller):
        return queryset if caller.has_any(READ) else queryset.none()

    @extend_schema(request=PromoteSerializer, responses=PromotionResultSerializer)
    @action(detail=False, methods=["post"])
    def promote(self, request):
        self.base_queryset()
        data = _valid(PromoteSerializer, request)
        result = services.promote_all(
            ctx=self.ctx(),
            from_year=data["from_year"],
            to_year=data["to_year"],
            order=_order(data),
            graduating_grades=data["graduating_grades"],
            keep_back=[s.pk for s in data["keep_back"]],
        )
        return Response(PromotionResultSerializer(result.as_dict()).data)


# --- import and export (INT-02)


def job_data(job) -> dict:
    from tenants.people.jobs import progress_of

    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.file_name,
        "dry_run": job.dry_run,
        "status": job.status,
        "progress": progress_of(job),
        "report": job.report,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


class ImportViewSet(mixins.RetrieveModelMixin, _PeopleViewSet):
    """Imports: POST a file (a dry run by default) → a job; GET it for progress and the report."""

    scope_map = {"GET": WRITE, "POST": WRITE}
    queryset = ImportJob.objects.order_by("-created_at")
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def restrict(self, queryset, caller):
        return queryset

    def list(self, request):
        return Response(
            ImportJobSerializer([job_data(j) for j in self.get_queryset()[:50]], many=True).data
        )

    def retrieve(self, request, pk=None):
        return Response(ImportJobSerializer(job_data(self.get_object())).data)

    @extend_schema(
        request={"multipart/form-data": ImportStartSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request):
        from tenants.people.jobs import ImportParams, import_job_start

        self.base_queryset()
        data = _valid(ImportStartSerializer, request)
        upload = data["file"]
        if upload.size > imports.MAX_BYTES:
            raise ValidationError({"file": ["Файл больше 20 МБ."]})
        job = import_job_start(
            ctx=self.ctx(),
            params=ImportParams(
                kind=data["kind"],
                dry_run=data["dry_run"],
                date_from=data["date"],
                order_number=data["order_number"],
                order_date=data["order_date"],
                create_classes=data["create_classes"],
            ),
            file_name=upload.name,
            data=upload.read(),
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job_data(job)).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, required=True)],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def template(self, request):
        """An empty CSV template of a data set."""
        self.base_queryset()
        kind = request.query_params.get("kind", "")
        if kind not in imports.TEMPLATES:
            raise ValidationError({"kind": ["students, staff, classes или groups."]})
        return _csv_response(imports.template_csv(kind), f"shablon-{kind}.csv")


class ExportViewSet(_PeopleViewSet):
    """Export of the data sets in the import's columns; every export is logged (PDN-06)."""

    scope_map = {"GET": READ}
    queryset = Student.objects.none()
    serializer_class = ImportJobSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, required=True)],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def list(self, request):
        self.base_queryset()
        kind = request.query_params.get("kind", "")
        if kind not in imports.TEMPLATES:
            raise ValidationError({"kind": ["students, staff, classes или groups."]})
        rows = list(imports.export_rows(kind, selectors.student_list(self.caller)))
        self.logged(f"{kind}.export", rows[1:])
        return _csv_response(imports.export_csv(rows), f"{kind}.csv")


def _csv_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- credentials (PPL-12…15, X-11)


def may_hand_over(caller, students, guardians, staff) -> bool:
    """The administration always; a class teacher for their own class's students and guardians
    when the regulation makes them the handover role (X-11)."""
    from tenants.configuration.selectors import regulation_in_force

    if caller.has_any(WRITE):
        return True
    if staff or not caller.has_any({Scope.CLASS_WRITE}):
        return False
    if regulation_in_force(timezone.localdate())["credential_handover_role"] != "class_teacher":
        return False
    own = set(selectors.students_editable(caller).values_list("pk", flat=True))
    own_guardians = set(selectors.guardians_visible(caller).values_list("pk", flat=True))
    return {s.pk for s in students} <= own and {g.pk for g in guardians} <= own_guardians


class CredentialsViewSet(_PeopleViewSet):
    """Issue accounts and activation codes; the response is the letters as a PDF."""

    scope_map = {"POST": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE}}
    queryset = Student.objects.none()
    serializer_class = CredentialsSerializer

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(
        request=CredentialsSerializer, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def create(self, request):
        from otmetka.region.routing import public_url
        from tenants.people.credentials import credentials_issue, letters_pdf

        self.base_queryset()
        data = _valid(CredentialsSerializer, request)
        if not may_hand_over(self.caller, data["students"], data["guardians"], data["staff"]):
            raise PermissionDenied("Выдавать доступ этим людям вы не можете.")
        letters = credentials_issue(
            ctx=self.ctx(),
            school_id=self.caller.school_id,
            people=[*data["staff"], *data["students"], *data["guardians"]],
        )
        pdf = letters_pdf(
            letters,
            school_id=request.tenant.pk,
            activate_url=public_url("/accounts/activate/"),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, "dostup.pdf")
        return response


# --- the consent registry (PDN-04, PDN-05, GOV-02…06)


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PeopleViewSet):
    """The registry: the administration sees all; a class teacher registers and sees their
    class's (GOV-06). `?overdue=1` lists consents whose access is late."""

    scope_map = {
        "GET": {Scope.PEOPLE_READ, Scope.CLASS_WRITE},
        "POST": {Scope.PEOPLE_WRITE, Scope.CLASS_WRITE},
    }
    queryset = Consent.objects.select_related("student", "guardian").order_by(
        "-registered_on", "-pk"
    )
    serializer_class = ConsentSerializer

    def restrict(self, queryset, caller):
        if caller.has_any(READ):
            return queryset
        return queryset.filter(student__in=selectors.students_editable(caller))

    def list(self, request):
        from tenants.people.consents import consents_overdue

        queryset = self.get_queryset()
        if request.query_params.get("overdue"):
            queryset = queryset.filter(pk__in=consents_overdue().values("pk"))
        rows = list(queryset)
        return Response(ConsentSerializer(self.logged("consents.list", rows), many=True).data)

    @extend_schema(request=ConsentWriteSerializer, responses={201: ConsentSerializer})
    def create(self, request):
        from tenants.people.consents import consent_register

        self.base_queryset()
        data = _valid(ConsentWriteSerializer, request)
        if not selectors.students_editable(self.caller).filter(pk=data["student"].pk).exists():
            raise PermissionDenied("Заявления принимает классный руководитель этого обучающегося.")
        consent = consent_register(ctx=self.ctx(), **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        from tenants.people.consents import consent_withdraw

        data = _valid(WithdrawSerializer, request)
        consent = consent_withdraw(
            ctx=self.ctx(), consent=self.get_object(), reason=data["reason"], stop=data["stop"]
        )
        return Response(ConsentSerializer(consent).data)
