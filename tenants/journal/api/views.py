"""The journal on the school host: the grid of a class (or group) × subject × period in one call,
the bulk save of many cells, tasks with their work types, and the absence codes.

Reading needs `journal:read` and a reason to read that class: the administration (with
`people:read`) reads all, a teacher the classes and subjects they teach, a class teacher every
subject of their class (AUD-07). Writing needs `journal:write` and is checked per lesson by the
service (the lesson's teacher, its substitute or a co-teacher).
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.api.params import filter_by_ids, validated
from otmetka.audit.context import AuditContext
from tenants.journal import (
    attestation,
    corrections,
    invalidation,
    period_marks,
    selectors,
    services,
)
from tenants.journal.models import AbsenceCode, CorrectionRequest, CorrectionStatus
from tenants.people.selectors import led_class_ids, staff_of

from .serializers import (
    AbsenceCodeSerializer,
    CorrectionSerializer,
    CorrectionWriteSerializer,
    DecisionSerializer,
    DowngradeNoticeSerializer,
    ExamResultSerializer,
    GridQuerySerializer,
    InvalidateSerializer,
    MakeupSerializer,
    PeriodMarksSerializer,
    SaveResultSerializer,
    SaveSerializer,
    SummaryQuerySerializer,
    TaskSerializer,
    TaskWriteSerializer,
    YearMarksSerializer,
)


def _grid_json(grid: selectors.Grid) -> dict:
    def number(value):
        return None if value is None else str(value)

    return {
        "period": {"id": grid.period.pk, "name": grid.period.name, "start": grid.period.start,
                   "end": grid.period.end, "closed": grid.period.closed_at is not None,
                   "locked_for_teacher": grid.locked_for_teacher},
        "scale": [{"code": code, "numeric": number(n)} for code, n in grid.scale],
        "work_types": [{"id": w.pk, "code": w.code, "name": w.name, "weight": number(w.weight),
                        "mark_due_days": w.mark_due_days} for w in grid.work_types],
        "absence_codes": [{"code": c.code, "label": c.label, "counts_present": c.counts_present}
                          for c in grid.codes],
        "students": grid.students,
        "lessons": grid.lessons,
        "tasks": grid.tasks,
        "marks": grid.marks,
        "attendance": grid.attendance,
        "period_marks": [{"student": m.student_id, "value": m.value, "notation": m.notation,
                          "deferred_until": m.deferred_until, "version": m.version,
                          "late": m.is_late} for m in grid.period_marks],
        "averages": [{"student": pk, "average": number(v["average"]), "count": v["count"],
                      "too_few": v["too_few"], "predicted": v["predicted"]}
                     for pk, v in grid.averages.items()],
    }  # fmt: skip


class JournalViewSet(ScopedViewSet):
    """`GET grid/?class=|group=&subject=&period=`: the whole grid in one call; `POST save/`:
    many cells in one transaction (400 with the bad cell named and nothing written; cells changed
    by someone else since they were read come back in `conflicts`, not overwritten); `POST
    tasks/`: a task with its work type at a lesson (marks go against tasks)."""

    audience = SCHOOL
    scope_map = {"GET": {Scope.JOURNAL_READ}, "POST": {Scope.JOURNAL_WRITE}}
    action_scope_map = {"exam_results": {Scope.JOURNAL_WRITE, Scope.JOURNAL_CORRECT}}
    queryset = AbsenceCode.objects.all()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)

    def _author(self):
        author = staff_of(self.caller)
        if author is None:
            raise PermissionDenied("Ваша учётная запись не связана с сотрудником школы.")
        return author

    @extend_schema(
        parameters=[
            OpenApiParameter("class", int),
            OpenApiParameter("group", int),
            OpenApiParameter("subject", int, required=True),
            OpenApiParameter("period", int, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def grid(self, request):
        params = {k: v for k, v in request.query_params.items()}
        if "class" in params:
            params["school_class"] = params.pop("class")
        query = GridQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        only = selectors.readable_student_ids(
            self.caller,
            school_class=data["school_class"],
            group=data["group"],
            subject=data["subject"],
        )
        grid = selectors.journal_grid(**data, only_students=only)
        return Response(_grid_json(grid))

    @extend_schema(request=SaveSerializer, responses=SaveResultSerializer)
    @action(detail=False, methods=["post"])
    def save(self, request):
        serializer = SaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.journal_save(
            ctx=self.ctx(),
            author=self._author(),
            marks=[services.MarkChange(**m) for m in data["marks"]],
            attendance=[services.AttendanceChange(**a) for a in data["attendance"]],
            topics=[services.TopicChange(**t) for t in data["topics"]],
        )
        return Response(
            {
                "saved": result.saved,
                "conflicts": [
                    {"kind": c.kind, "key": c.key, "current": c.current} for c in result.conflicts
                ],
                "marks": [
                    {
                        "task": m.task_id,
                        "student": m.student_id,
                        "value": m.value,
                        "version": m.version,
                        "late": m.is_late,
                    }
                    for m in result.marks
                ]
                + [
                    {"task": t, "student": s, "value": "", "version": None, "late": False}
                    for t, s in result.removed_marks
                ],
                "attendance": [
                    {
                        "lesson": a.lesson_id,
                        "student": a.student_id,
                        "code": a.code.code if a.code_id else "",
                        "version": a.version,
                        "late": a.is_late,
                    }
                    for a in result.attendance
                ],
                "topics": [
                    {
                        "lesson": r.lesson_id,
                        "topic": r.topic,
                        "version": r.version,
                        "late": r.is_late,
                    }
                    for r in result.records
                ],
            }
        )

    @extend_schema(request=PeriodMarksSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="period-marks")
    def period_marks(self, request):
        """Period marks of a class or group in a subject (JRN-08…10): a mark, a notation or a
        deferral per student; 400 names every bad row and nothing is written."""
        serializer = PeriodMarksSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = self._author()
        saved = period_marks.period_marks_save(
            ctx=self.ctx(),
            author=author,
            school_class=data["school_class"],
            group=data["group"],
            subject=data["subject"],
            period=data["period"],
            changes=[period_marks.PeriodMarkChange(**m) for m in data["marks"]],
        )
        return Response(
            {"saved": [{"student": m.student_id, "value": m.value, "notation": m.notation,
                        "deferred_until": m.deferred_until, "version": m.version,
                        "late": m.is_late} for m in saved]}
        )  # fmt: skip

    @extend_schema(request=MakeupSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def makeup(self, request):
        """JRN-15: credit a topic missed for a valid reason, citing the make-up protocol."""
        data = validated(MakeupSerializer, request)
        mark = attestation.makeup_record(ctx=self.ctx(), author=self._author(), **data)
        return Response({"task": mark.task_id, "student": mark.student_id, "value": mark.value,
                         "comment": mark.comment}, status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(request=DowngradeNoticeSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="downgrade-notices")
    def downgrade_notices(self, request):
        """JRN-12: record the notice to guardians of an intended mark below the average. The
        average is the server's, from the student's marks (returned); an `average` in the body
        is ignored."""
        data = validated(DowngradeNoticeSerializer, request)
        data.pop("average", None)
        author = self._author()
        notice = attestation.downgrade_notice(ctx=self.ctx(), author=author, **data)
        return Response({"id": notice.pk, "average": str(notice.average),
                         "lessons_left": notice.lessons_left, "late": notice.is_late},
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(request=ExamResultSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="exam-results")
    def exam_results(self, request):
        """JRN-14: an interim or final attestation or a state exam result: the director and
        deputies, or a teacher of the subject in the student's class or group (403 otherwise)."""
        data = validated(ExamResultSerializer, request)
        result = attestation.exam_result_record(
            ctx=self.ctx(), caller=self.caller, author=self._author(), **data
        )
        return Response({"id": result.pk, "kind": result.kind, "value": result.value,
                         "score": result.score}, status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(parameters=[OpenApiParameter("class", int, required=True)],
                   responses=OpenApiTypes.OBJECT)  # fmt: skip
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """JRN-13: the class's summary sheet of period marks, current at every read."""
        query = SummaryQuerySerializer(data={"school_class": request.query_params.get("class")})
        query.is_valid(raise_exception=True)
        school_class = query.validated_data["school_class"]
        if not self.caller.has_any({Scope.PEOPLE_READ}):
            staff = staff_of(self.caller)
            if staff is None or school_class.pk not in led_class_ids(staff, timezone.localdate()):
                raise PermissionDenied(
                    "Сводную ведомость видят классный руководитель и администрация."
                )
        summary = attestation.summary_sheet(school_class)
        return Response({
            "periods": [{"id": p.pk, "name": p.name} for p in summary.periods],
            "subjects": [{"id": s.pk, "name": s.name} for s in summary.subjects],
            "rows": attestation.summary_rows(summary),
        })  # fmt: skip

    @extend_schema(request=YearMarksSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="year-marks")
    def year_marks(self, request):
        """Year or итоговая marks (N-08) of a class or group in a subject."""
        data = validated(YearMarksSerializer, request)
        author = self._author()
        saved = period_marks.year_marks_save(
            ctx=self.ctx(), author=author, school_class=data["school_class"],
            group=data["group"], subject=data["subject"], kind=data["kind"],
            changes=[period_marks.YearMarkChange(**m) for m in data["marks"]],
        )  # fmt: skip
        return Response({"saved": [{"student": m.student_id, "value": m.value,
                                    "notation": m.notation, "version": m.version}
                                   for m in saved]})  # fmt: skip

    @extend_schema(request=TaskWriteSerializer, responses={201: TaskSerializer})
    @action(detail=False, methods=["post"])
    def tasks(self, request):
        data = validated(TaskWriteSerializer, request)
        task = services.task_add(
            ctx=self.ctx(),
            lesson=data["lesson"],
            work_type=data["work_type"],
            author=self._author(),
            title=data["title"],
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class AbsenceCodeViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The school's absence codes (N-03): every staff member reads them; the administration
    adds, renames and retires them (a code in use is never deleted)."""

    audience = SCHOOL
    scope_map = {
        "GET": {Scope.JOURNAL_READ, Scope.SETTINGS_READ},
        "POST": {Scope.SETTINGS_WRITE},
        "PUT": {Scope.SETTINGS_WRITE},
    }
    queryset = AbsenceCode.objects.order_by("position", "code")
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset

    @staticmethod
    def _json(c) -> dict:
        return {"id": c.pk, "code": c.code, "label": c.label, "counts_present": c.counts_present,
                "allows_makeup": c.allows_makeup, "is_active": c.is_active}  # fmt: skip

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        return Response([self._json(c) for c in self.get_queryset()])

    def _save(self, request, existing=None):
        data = validated(AbsenceCodeSerializer, request)
        saved = services.absence_code_save(
            ctx=AuditContext.from_request(request, role=self.caller.primary_role),
            existing=existing,
            **data,
        )
        return self._json(saved)

    @extend_schema(request=AbsenceCodeSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request):
        return Response(self._save(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=AbsenceCodeSerializer, responses=OpenApiTypes.OBJECT)
    def update(self, request, pk=None):
        return Response(self._save(request, self.get_object()))


class CorrectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Correction requests (AUD-02, AUD-03): a teacher files one for locked cells (`POST`, the
    cells as `save/` takes them plus a reason); a deputy or the director `approve/`s (the cells
    are written, citing the request) or `reject/`s it. Lists: `?status=`, `?period=`,
    `?teacher=`, `?class=`; a teacher sees their own requests."""

    audience = SCHOOL
    scope_map = {
        "GET": {Scope.JOURNAL_CORRECT, Scope.JOURNAL_WRITE},
        "POST": {Scope.JOURNAL_WRITE},
    }
    action_scope_map = {"approve": {Scope.JOURNAL_CORRECT}, "reject": {Scope.JOURNAL_CORRECT}}
    queryset = CorrectionRequest.objects.select_related("requested_by").order_by("-requested_at")
    serializer_class = CorrectionSerializer
    pagination_class = None

    def restrict(self, queryset, caller):
        if caller.has_any({Scope.JOURNAL_CORRECT}):
            return queryset
        staff = staff_of(caller)
        return queryset.filter(requested_by=staff) if staff else queryset.none()

    def ctx(self) -> AuditContext:
        return AuditContext.from_request(self.request, role=self.caller.primary_role)

    @extend_schema(parameters=[OpenApiParameter(n, int) for n in ("period", "teacher", "class")]
                   + [OpenApiParameter("status", str)])  # fmt: skip
    def list(self, request):
        errors: dict = {}
        queryset = filter_by_ids(
            self.get_queryset(),
            request.query_params,
            [("period", "period_id"), ("teacher", "requested_by_id"), ("class", "school_class_id")],
            errors,
        )
        status_value = request.query_params.get("status")
        if status_value is not None:
            if status_value not in CorrectionStatus.values:
                errors["status"] = [f"Одно из: {', '.join(CorrectionStatus.values)}."]
            queryset = queryset.filter(status=status_value)
        if errors:
            raise ValidationError(errors)
        return Response(CorrectionSerializer(queryset[:500], many=True).data)

    @extend_schema(request=CorrectionWriteSerializer, responses={201: CorrectionSerializer})
    def create(self, request):
        serializer = CorrectionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = staff_of(self.caller)
        if author is None:
            raise PermissionDenied("Ваша учётная запись не связана с сотрудником школы.")
        made = corrections.correction_request(ctx=self.ctx(), author=author, **data)
        return Response(CorrectionSerializer(made).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, approve: bool):
        note = DecisionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        approver = staff_of(self.caller)
        if approver is None:
            raise PermissionDenied("Ваша учётная запись не связана с сотрудником школы.")
        decided = corrections.correction_decide(
            ctx=self.ctx(), request=self.get_object(), approver=approver, approve=approve,
            note=note.validated_data["note"],
        )  # fmt: skip
        return Response(CorrectionSerializer(decided).data)

    @extend_schema(request=DecisionSerializer, responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=DecisionSerializer, responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)


class InvalidationViewSet(ScopedViewSet):
    """AUD-06: `POST` undoes the journal operations of a compromised staff account from `since`
    (at most the reported time T; by default T): entries after it are flagged invalid, changes
    rolled back. `GET` lists the invalid entries to be entered again. Director and deputies."""

    audience = SCHOOL
    scope_map = {"GET": {Scope.JOURNAL_CORRECT}, "POST": {Scope.JOURNAL_CORRECT}}
    queryset = CorrectionRequest.objects.none()
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        marks, attendance = invalidation.invalidated_rows()
        return Response(
            {
                "marks": [
                    {
                        "task": m.task_id,
                        "lesson": m.task.lesson_id,
                        "date": m.task.lesson.date,
                        "student": m.student_id,
                        "value": m.value,
                        "version": m.version,
                    }
                    for m in marks[:1000]
                ],
                "attendance": [
                    {
                        "lesson": a.lesson_id,
                        "date": a.lesson.date,
                        "student": a.student_id,
                        "version": a.version,
                    }
                    for a in attendance[:1000]
                ],
            }
        )

    @extend_schema(request=InvalidateSerializer, responses=OpenApiTypes.OBJECT)
    def create(self, request):
        data = validated(InvalidateSerializer, request)
        report = invalidation.invalidate_staff_account(
            ctx=AuditContext.from_request(request, role=self.caller.primary_role),
            staff=data["staff"],
            since=data["since"],
        )
        return Response({"invalidated": report.invalidated, "restored": report.restored})
