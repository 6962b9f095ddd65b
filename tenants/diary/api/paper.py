"""Paper extracts of the diary (DIA-07, X-09), on a school's host, under /api/v1/diary/paper/:

- `children/?class=&all=` — the students on paper (with `all=1`, every student the caller
  handles): each guardian's reason and delivery method, the last extract, whether one is due;
  `children/{id}/` GET and PUT (a guardian's choice); `children/{id}/extract/` POST → the PDF;
- `classes/` — the classes the caller may pick; `classes/{id}/extract/` POST → a job that makes
  the class's extracts in the background (a class of 30 takes seconds: see docs/diary.md);
  `jobs/{id}/` its progress, `jobs/{id}/pdf/` the PDF when done;
- `extracts/?student=&class=` — the issue log; `extracts/{id}/handed/` POST marks one handed over.

The director and deputies handle every student, a class teacher those of the classes they lead;
the school's administration may see the list and record choices (`paper.PAPER_*`). Subject
teachers, families and other schools' staff are refused.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from otmetka.accounts.models import User
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.errors import problem
from otmetka.api.params import filter_by_ids
from otmetka.audit.context import AuditContext
from tenants.people.models import ClassMembership, Guardian, GuardianLink, SchoolClass, Student

from .. import paper
from ..models import DeliveryMethod, ExtractKind, PaperExtract, PaperJob, PaperReason

NOT_YOURS = "Такого обучающегося нет среди ваших."
NOT_YOUR_CLASS = "Такого класса нет среди ваших."

# --- answers, documented -----------------------------------------------------------------------


def _values(what: str, choices) -> str:
    return f"{what}: " + ", ".join(f"`{value}` — {label}" for value, label in choices.choices)


class _Person(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class _Class(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GuardianPaperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relation = serializers.CharField()
    paper = serializers.BooleanField(help_text="получает выписки на бумаге")
    reason = serializers.ChoiceField(
        choices=[("", "—"), *PaperReason.choices],
        help_text="основание: реестр согласий или просьба",
    )
    reason_label = serializers.CharField()
    method = serializers.CharField(help_text=_values("способ передачи", DeliveryMethod))
    method_label = serializers.CharField()
    address = serializers.CharField()
    note = serializers.CharField()
    agreed_on = serializers.DateField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)


class ExtractBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_values("что", ExtractKind))
    start = serializers.DateField()
    end = serializers.DateField()
    period = serializers.CharField()
    generated_at = serializers.DateTimeField()
    handed_at = serializers.DateTimeField(allow_null=True)
    method = serializers.CharField()


class PaperRowSerializer(serializers.Serializer):
    student = _Person()
    paper = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_values("основания", PaperReason)
    )
    method_agreed = serializers.BooleanField(
        help_text="у каждого представителя на бумаге согласован способ передачи"
    )
    guardians = GuardianPaperSerializer(many=True)
    last_extract = ExtractBriefSerializer(allow_null=True)
    due = serializers.BooleanField(help_text="пора выдать выписку (X-09)")
    interval_days = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = _Class(allow_null=True)  # "class" is a keyword in Python
        return fields


class PaperClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    class_teacher = serializers.CharField()


class PaperJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    school_class = serializers.IntegerField()
    kind = serializers.CharField(help_text=_values("что", ExtractKind))
    status = serializers.CharField(
        help_text="queued, running, done, failed или expired (файл удалён через неделю)"
    )
    progress = serializers.DictField(child=serializers.IntegerField())
    extracts = serializers.IntegerField()
    error = serializers.CharField()
    pdf = serializers.CharField(allow_null=True, help_text="адрес PDF, когда готов")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class PaperExtractSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name")
    generated_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PaperExtract
        fields = ["id", "student", "student_name", "kind", "start", "end", "period_name",
                  "method", "generated_at", "generated_by", "generated_by_name", "handed_at",
                  "handed_by"]  # fmt: skip

    def get_generated_by_name(self, extract) -> str:
        return self.context.get("users", {}).get(extract.generated_by, "")


# --- requests ----------------------------------------------------------------------------------


def _sane_day(value: date) -> date:
    if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise serializers.ValidationError("Дата вне учебных лет.")
    return value


class PaperChoiceWriteSerializer(serializers.Serializer):
    guardian = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="законный представитель; можно не указывать, если он один",
    )
    paper = serializers.BooleanField(
        default=True, help_text="false — представитель, давший согласие, больше не просит бумагу"
    )
    method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    agreed_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_agreed_on(self, value):
        return _sane_day(value) if value else value


class ExtractRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExtractKind.choices)
    date = serializers.DateField(required=False, help_text="любой день недели (за неделю)")
    period = serializers.IntegerField(
        required=False, min_value=1, help_text="учебный период (за период); по умолчанию текущий"
    )
    handed = serializers.BooleanField(
        default=True, help_text="отметить выписки выданными сразу (иначе — позже, handed/)"
    )

    def validate_date(self, value):
        return _sane_day(value)


class HandedSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, required=False, allow_blank=True, default=""
    )


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _class_param(query_params, classes) -> int | None:
    value = query_params.get("class")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise ValidationError({"class": ["Укажите номер."]})
    if not classes.filter(pk=int(value)).exists():
        raise NotFound(NOT_YOUR_CLASS)
    return int(value)


class _PaperViewSet(ScopedViewSet):
    abstract = True
    audience = SCHOOL

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)


# --- the children on paper ---------------------------------------------------------------------


class PaperChildViewSet(_PaperViewSet):
    """The students on paper and each guardian's choice; a child's extract as a PDF."""

    scope_map = {"GET": paper.PAPER_READ, "PUT": paper.PAPER_WRITE}
    action_scope_map = {"extract": paper.PAPER_PRINT}
    queryset = Student.objects.all()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset & paper.paper_students(caller)

    def _student(self, pk) -> Student:
        if not str(pk).isdigit():
            raise NotFound(NOT_YOURS)
        student = self.get_queryset().filter(pk=int(pk)).first()
        if student is None:
            raise NotFound(NOT_YOURS)
        return student

    def _row(self, student: Student) -> dict:
        rows = paper.paper_rows(Student.objects.filter(pk=student.pk), only_paper=False)
        return PaperRowSerializer(rows[0]).data

    @extend_schema(
        parameters=[
            OpenApiParameter("class", int, description="класс (по умолчанию — все ваши)"),
            OpenApiParameter("all", bool, description="все обучающиеся, не только на бумаге"),
        ],
        responses=PaperRowSerializer(many=True),
    )
    def list(self, request):
        students = self.get_queryset()
        class_id = _class_param(request.query_params, paper.paper_classes(self.caller))
        if class_id is not None:
            students = paper.in_class(students, class_id, timezone.localdate())
        everyone = request.query_params.get("all", "") in ("1", "true", "True")
        rows = paper.paper_rows(students, only_paper=not everyone)
        return Response(PaperRowSerializer(rows, many=True).data)

    @extend_schema(responses=PaperRowSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._row(self._student(pk)))

    @extend_schema(request=PaperChoiceWriteSerializer, responses=PaperRowSerializer)
    def update(self, request, pk=None):
        student = self._student(pk)
        data = _valid(PaperChoiceWriteSerializer, request.data)
        guardian = guardian_for(student, data.get("guardian"))
        paper.paper_choice_record(
            ctx=self.ctx(), student=student, guardian=guardian, paper=data["paper"],
            method=data["method"], address=data["address"], note=data["note"],
            agreed_on=data["agreed_on"],
        )  # fmt: skip
        return Response(self._row(student))

    @extend_schema(
        request=ExtractRequestSerializer,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["post"])
    def extract(self, request, pk=None):
        """The child's extract for a week or a period, as a PDF; logged as issued."""
        student = self._student(pk)
        data = _valid(ExtractRequestSerializer, request.data)
        batch = paper.paper_batch(
            Student.objects.filter(pk=student.pk), kind=data["kind"], day=data.get("date"),
            period_id=data.get("period"),
        )  # fmt: skip
        made = paper.paper_extracts_make(ctx=self.ctx(), batch=batch, handed=data["handed"])
        return _pdf(made.pdf, f"vypiska-{student.pk}.pdf")


def guardian_for(student: Student, guardian_id: int | None) -> Guardian | None:
    """The guardian named, or the child's only linked guardian when none is named."""
    if guardian_id is not None:
        guardian = Guardian.objects.filter(pk=guardian_id).first()
        if guardian is None:
            raise ValidationError({"guardian": ["Нет такого законного представителя."]})
        return guardian
    linked = list(
        GuardianLink.objects.filter(student=student, ended_at__isnull=True).values_list(
            "guardian_id", flat=True
        )[:2]
    )
    if len(linked) != 1:
        raise ValidationError({"guardian": ["Выберите законного представителя."]})
    return Guardian.objects.get(pk=linked[0])


# --- classes and background jobs ---------------------------------------------------------------


def job_json(job: PaperJob) -> dict:
    return {
        "id": job.pk,
        "school_class": job.school_class_id,
        "kind": job.kind,
        "status": job.status,
        "progress": paper.paper_job_progress(job),
        "extracts": job.extracts,
        "error": job.error,
        "pdf": f"/api/v1/diary/paper/jobs/{job.pk}/pdf/" if job.status == "done" else None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


class PaperClassViewSet(mixins.ListModelMixin, _PaperViewSet):
    """The classes the caller may pick; a whole class's extracts, made in the background."""

    scope_map = {"GET": paper.PAPER_READ}
    action_scope_map = {"extract": paper.PAPER_PRINT}
    queryset = SchoolClass.objects.all()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset & paper.paper_classes(caller)

    @extend_schema(responses=PaperClassSerializer(many=True))
    def list(self, request):
        rows = [
            {"id": c.pk, "name": c.name,
             "class_teacher": c.class_teacher.short_name if c.class_teacher else ""}
            for c in self.get_queryset().select_related("class_teacher")
        ]  # fmt: skip
        return Response(PaperClassSerializer(rows, many=True).data)

    @extend_schema(request=ExtractRequestSerializer, responses={202: PaperJobSerializer})
    @action(detail=True, methods=["post"])
    def extract(self, request, pk=None):
        """Every child on paper in the class, one PDF (a page break per child), all logged as
        issued in one step. Answers 202 with a job: follow `jobs/{id}/` for progress."""
        if not str(pk).isdigit():
            raise NotFound(NOT_YOUR_CLASS)
        school_class = self.get_queryset().filter(pk=int(pk)).first()
        if school_class is None:
            raise NotFound(NOT_YOUR_CLASS)
        data = _valid(ExtractRequestSerializer, request.data)
        on = timezone.localdate()
        batch = paper.paper_batch(
            paper.in_class(paper.paper_students(self.caller, on), school_class.pk, on),
            kind=data["kind"], day=data.get("date"), period_id=data.get("period"), on=on,
            empty_field="class",
        )  # fmt: skip
        job = paper.paper_job_start(
            ctx=self.ctx(), school_class=school_class, batch=batch, handed=data["handed"]
        )
        job.refresh_from_db()  # an eager task (tests) has run already
        return Response(PaperJobSerializer(job_json(job)).data, status=status.HTTP_202_ACCEPTED)


class PaperJobViewSet(mixins.RetrieveModelMixin, _PaperViewSet):
    """A class's extracts being made: progress, then the PDF."""

    scope_map = {"GET": paper.PAPER_PRINT}
    queryset = PaperJob.objects.all()

    def restrict(self, queryset, caller):
        return queryset & paper.paper_jobs_visible(caller)

    @extend_schema(responses=PaperJobSerializer)
    def retrieve(self, request, pk=None):
        return Response(PaperJobSerializer(job_json(self.get_object())).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        job = self.get_object()
        if job.status != "done":
            detail = {
                "failed": job.error,
                "expired": "Файл удалён через неделю после печати; сформируйте выписки заново.",
            }.get(job.status, "Выписки ещё формируются.")
            return problem(status.HTTP_409_CONFLICT, "conflict", detail)
        return _pdf(paper.paper_job_pdf(job), f"vypiski-{job.school_class_id}.pdf")


# --- the issue log -----------------------------------------------------------------------------


class PaperExtractViewSet(mixins.ListModelMixin, _PaperViewSet):
    """The issue log: who got which extract, when it was made, handed over or sent, and how."""

    scope_map = {"GET": paper.PAPER_READ}
    action_scope_map = {"handed": paper.PAPER_PRINT}
    queryset = PaperExtract.objects.select_related("student")
    serializer_class = PaperExtractSerializer

    def restrict(self, queryset, caller):
        errors: dict = {}
        queryset = filter_by_ids(
            queryset.filter(student__in=paper.paper_students(caller)),
            self.request.query_params, [("student", "student_id")], errors,
        )  # fmt: skip
        cls = self.request.query_params.get("class")
        if cls is not None:
            if not cls.isdigit():
                errors["class"] = ["Укажите номер."]
            else:
                queryset = queryset.filter(
                    student_id__in=ClassMembership.objects.filter(school_class_id=int(cls)).values(
                        "student_id"
                    )
                )
        if errors:
            raise ValidationError(errors)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("student", int), OpenApiParameter("class", int)],
        responses=PaperExtractSerializer(many=True),
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        users = {
            u.pk: u.display_name
            for u in User.objects.filter(pk__in={e.generated_by for e in page if e.generated_by})
        }
        data = PaperExtractSerializer(page, many=True, context={"users": users}).data
        return self.get_paginated_response(data)

    @extend_schema(request=HandedSerializer, responses=PaperExtractSerializer)
    @action(detail=True, methods=["post"])
    def handed(self, request, pk=None):
        """Mark an extract handed over or sent, when it was not marked so when made."""
        extract = self.get_object()
        data = _valid(HandedSerializer, request.data)
        extract = paper.paper_extract_hand_over(
            ctx=self.ctx(), extract=extract, method=data["method"]
        )
        return Response(PaperExtractSerializer(extract).data)
