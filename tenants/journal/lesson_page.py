"""The lesson page (`/journal/lesson/<id>/`, TTB-07): the lesson's topic, homework and
attendance on one form, for the teacher at the lesson; read-only for those who may read the
class's journal. Writes go through the journal and homework services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from tenants.people.models import Student
from tenants.people.selectors import staff_of
from tenants.timetable import homework as hw
from tenants.timetable.models import Homework, Lesson

from . import selectors, services
from .models import AbsenceCode, Attendance, LessonRecord


def _rows(lesson: Lesson, only: set[int] | None):
    members = services.lesson_members([lesson])[lesson.pk]
    if only is not None:
        members &= only
    students = list(Student.objects.filter(pk__in=members).order_by("last_name", "first_name"))
    attendance = {
        a.student_id: a for a in Attendance.objects.filter(lesson=lesson).select_related("code")
    }
    return [(s, attendance.get(s.pk)) for s in students]


@scope_required(Scope.JOURNAL_READ)
def lesson(request, pk: int):
    lesson = get_object_or_404(
        Lesson.objects.select_related("school_class", "group", "subject", "teacher",
                                      "substitute", "plan_topic"),
        pk=pk,
    )  # fmt: skip
    staff = staff_of(request.caller)
    can_write = request.caller.has_any({Scope.JOURNAL_WRITE}) and lesson.pk in (
        services.writable_lesson_ids(staff, [lesson], timezone.localdate())
    )
    only = None
    if not can_write:
        try:
            only = selectors.readable_student_ids(
                request.caller,
                school_class=lesson.school_class if lesson.school_class_id else None,
                group=lesson.group if lesson.group_id else None,
                subject=lesson.subject,
            )
        except PermissionDenied:
            return render(request, "403.html", status=403)
    rows = _rows(lesson, only)
    record = LessonRecord.objects.filter(lesson=lesson).first()
    homework = list(Homework.objects.filter(lesson=lesson).prefetch_related("files"))
    codes = list(AbsenceCode.objects.filter(is_active=True))
    if request.method == "POST":
        if not can_write:
            return render(request, "403.html", status=403)
        return _save(request, lesson, staff, rows, record)
    return render(
        request,
        "journal/lesson.html",
        {
            "lesson": lesson,
            "unit": lesson.school_class or lesson.group,
            "rows": rows,
            "record": record,
            "homework": homework,
            "codes": codes,
            "can_write": can_write,
            "topic": record.topic
            if record
            else (lesson.plan_topic.title if lesson.plan_topic_id else ""),
        },
    )


def _save(request, lesson, staff, rows, record):
    data = request.POST
    ctx = AuditContext.from_request(request, role=request.caller.primary_role)
    reason = data.get("reason", "")
    topics, attendance = [], []
    topic = data.get("topic", "").strip()
    if topic and (record is None or record.topic != topic):
        topics.append(
            services.TopicChange(
                lesson.pk, topic, version=record.version if record else None, reason=reason
            )
        )
    for student, row in rows:
        code = data.get(f"code-{student.pk}", "")
        late = data.get(f"late-{student.pk}", "").strip()
        note = data.get(f"note-{student.pk}", "").strip()
        current = (row.code.code if row and row.code_id else "", row.late_minutes if row else None,
                   row.note if row else "")  # fmt: skip
        wanted = (code, int(late) if late.isdigit() else None, note)
        if row is None and not any(wanted[i] for i in range(3)):
            continue
        if wanted != current:
            attendance.append(services.AttendanceChange(
                lesson.pk, student.pk, code, late_minutes=wanted[1], note=note,
                version=row.version if row else None, reason=reason,
            ))  # fmt: skip
    try:
        with transaction.atomic():  # the record, attendance and homework: all or nothing
            result = services.journal_save(
                ctx=ctx, author=staff, topics=topics, attendance=attendance
            )
            _homework(request, lesson, staff, ctx)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    if result.conflicts:
        messages.error(
            request,
            f"Изменено другим пользователем и не перезаписано: {len(result.conflicts)}.",
        )
    else:
        messages.success(request, "Урок сохранён.")
    return redirect(request.path)


def _homework(request, lesson, staff, ctx) -> None:
    data = request.POST
    text = data.get("homework", "").strip()
    if not text:
        return
    hw.homework_save(
        ctx=ctx, lesson=lesson, author=staff,
        data=hw.HomeworkInput(
            text=text, pages=data.get("pages", ""), exercises=data.get("exercises", ""),
            files=[hw.FileInput(f.name, f.read()) for f in request.FILES.getlist("files")],
        ),
    )  # fmt: skip
