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
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from otmetka.accounts.roles import Scope
from otmetka.api.base import SCHOOL, ScopedViewSet
from otmetka.audit.context import AuditContext
from tenants.journal import period_marks, selectors, services
from tenants.journal.models import AbsenceCode
from tenants.people.models import Teaching
from tenants.people.selectors import staff_of

from .serializers import (
    GridQuerySerializer,
    PeriodMarksSerializer,
    SaveResultSerializer,
    SaveSerializer,
    TaskSerializer,
    TaskWriteSerializer,
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
        "students": [{"id": s.pk, "name": s.short_name} for s in grid.students],
        "lessons": [
            {
                "id": lesson.pk, "date": lesson.date, "number": lesson.number,
                "topic": lesson.record.topic if hasattr(lesson, "record") else "",
                "topic_version": lesson.record.version if hasattr(lesson, "record") else None,
                "planned_topic": lesson.plan_topic.title if lesson.plan_topic_id else "",
                "substitute": lesson.substitute.short_name if lesson.substitute_id else None,
            }
            for lesson in grid.lessons
        ],
        "tasks": [{"id": t.pk, "lesson": t.lesson_id, "work_type": t.work_type_id,
                   "title": t.title} for t in grid.tasks],
        "marks": [{"task": m.task_id, "student": m.student_id, "value": m.value,
                   "comment": m.comment, "version": m.version, "late": m.is_late}
                  for m in grid.marks],
        "attendance": [{"lesson": a.lesson_id, "student": a.student_id,
                        "code": a.code.code if a.code_id else "", "late_minutes": a.late_minutes,
                        "note": a.note, "version": a.version, "late": a.is_late}
                       for a in grid.attendance],
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
        if not Teaching.objects.filter(
            staff=author, subject=data["subject"], school_class=data["school_class"],
            group=data["group"],
        ).exists():  # fmt: skip
            raise PermissionDenied("Отметки за период выставляет учитель этого предмета.")
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

    @extend_schema(request=TaskWriteSerializer, responses={201: TaskSerializer})
    @action(detail=False, methods=["post"])
    def tasks(self, request):
        serializer = TaskWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = self._author()
        lesson = data["lesson"]
        if lesson.pk not in services.writable_lesson_ids(author, [lesson], timezone.localdate()):
            raise PermissionDenied("Задания на уроке даёт учитель этого урока.")
        task = services.task_add(
            ctx=self.ctx(),
            lesson=lesson,
            work_type=data["work_type"],
            author=author,
            title=data["title"],
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class AbsenceCodeViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The school's absence codes (N-03)."""

    audience = SCHOOL
    scope_map = {"GET": {Scope.JOURNAL_READ, Scope.SETTINGS_READ}}
    queryset = AbsenceCode.objects.filter(is_active=True)
    pagination_class = None

    def restrict(self, queryset, caller):
        return queryset

    def list(self, request):
        return Response(
            [
                {
                    "code": c.code,
                    "label": c.label,
                    "counts_present": c.counts_present,
                    "allows_makeup": c.allows_makeup,
                }
                for c in self.get_queryset()
            ]
        )
