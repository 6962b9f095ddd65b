"""Around the period marks: make-ups of missed topics (JRN-15), the downgrade notice to guardians
(JRN-12), exam and attestation results (JRN-14) and the summary sheet of final marks (JRN-13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import Period, Subject, WorkType
from tenants.configuration.selectors import grading_system_for, regulation_in_force
from tenants.people.models import ClassMembership, SchoolClass, Staff, Student
from tenants.people.selectors import teaches
from tenants.timetable.models import Lesson

from .models import Attendance, DowngradeNotice, ExamResult, Mark, PeriodMark, Task, YearMark
from .period_marks import year_mark_predicted
from .services import _Scales, writable_lesson_ids

# --- make-ups (JRN-15)


@transaction.atomic
def makeup_record(
    *,
    ctx: AuditContext,
    author: Staff,
    lesson: Lesson,
    student: Student,
    work_type: WorkType,
    value: str,
    protocol: str,
    protocol_date: date,
) -> Mark:
    """Credit a topic missed for illness or a valid reason: the mark goes under that lesson's
    topic, citing the make-up protocol; the absence stays, with a note. Allowed after a lock
    (AUD-03 exempts make-ups)."""
    absence = (
        Attendance.objects.select_related("code").filter(lesson=lesson, student=student).first()
    )
    errors: dict[str, list[str]] = {}
    if absence is None or absence.code is None or not absence.code.allows_makeup:
        errors["lesson"] = [
            "Отработка — только после отсутствия по болезни или уважительной причине."
        ]
    if not protocol.strip():
        errors["protocol"] = ["Укажите номер протокола отработки."]
    if protocol_date < lesson.date:
        errors["protocol_date"] = ["Протокол не может быть раньше урока."]
    if lesson.pk not in writable_lesson_ids(author, [lesson], timezone.localdate()):
        errors["author"] = ["Отработку вносит учитель этого предмета в классе."]
    scale = _Scales().values(lesson)
    if value not in scale:
        errors["value"] = [f"Нет такой отметки в шкале ({', '.join(scale)})."]
    if errors:
        raise ValidationError(errors)
    cite = f"Отработка по протоколу № {protocol.strip()} от {protocol_date:%d.%m.%Y}"
    task = Task.objects.create(
        lesson=lesson, work_type=work_type, title=cite[:200], created_by=author
    )
    mark = Mark.objects.create(
        task=task, student=student, value=value, numeric=scale.get(value), comment=cite[:300],
        entered_at=timezone.now(), entered_by=author,
    )  # fmt: skip
    old_note = absence.note
    absence.note = (f"{old_note}; " if old_note else "") + "отработано"
    absence.version += 1
    absence.save(update_fields=["note", "version"])
    school_audit_append(
        ctx=ctx, action="journal.makeup", obj=mark,
        new={"student": student.pk, "lesson": lesson.pk, "value": value,
             "absence": absence.code.code, "protocol": protocol.strip(),
             "protocol_date": protocol_date},
        reason=cite,
    )  # fmt: skip
    return mark


# --- the downgrade notice (JRN-12)


def lessons_left(lesson_filter: Q, period: Period, on: date) -> int:
    return Lesson.objects.filter(lesson_filter, date__gt=on, date__lte=period.end).count()


@transaction.atomic
def downgrade_notice(
    *,
    ctx: AuditContext,
    author: Staff,
    school_class: SchoolClass,
    student: Student,
    subject: Subject,
    period: Period,
    intended: str,
    average: Decimal,
    reason: str,
    today: date | None = None,
) -> DowngradeNotice:
    """Record that guardians are told the intended period mark is below the average, with the
    reason, at least `downgrade_notice_lessons_before_end` lessons before the period ends (a
    later notice is recorded and flagged late)."""
    today = today or timezone.localdate()
    if not teaches(author, subject_id=subject.pk, school_class_id=school_class.pk):
        raise PermissionDenied("Уведомление направляет учитель этого предмета.")
    if not reason.strip():
        raise ValidationError({"reason": ["Укажите причину."]})
    needed = int(regulation_in_force(period.end)["downgrade_notice_lessons_before_end"])
    left = lessons_left(Q(school_class=school_class, subject=subject), period, today)
    notice = DowngradeNotice.objects.create(
        student=student, subject=subject, period=period, intended=intended, average=average,
        reason=reason.strip(), created_by=author, created_at=timezone.now(),
        lessons_left=left, is_late=left < needed,
    )  # fmt: skip
    school_audit_append(
        ctx=ctx, action="journal.downgrade_notice", obj=notice,
        new={"student": student.pk, "subject": subject.pk, "intended": intended,
             "average": average, "lessons_left": left, "late": notice.is_late},
        reason=notice.reason,
    )  # fmt: skip
    return notice


# --- exam and attestation results (JRN-14)


@transaction.atomic
def exam_result_record(
    *,
    ctx: AuditContext,
    student: Student,
    subject: Subject,
    kind: str,
    held_on: date,
    value: str = "",
    score: int | None = None,
    author: Staff,
) -> ExamResult:
    errors = {}
    if kind not in ExamResult.Kind.values:
        errors["kind"] = ["Нет такого вида аттестации."]
    if not value and score is None:
        errors["value"] = ["Укажите отметку или баллы."]
    if score is not None and not 0 <= score <= 100:
        errors["score"] = ["Баллы — от 0 до 100."]
    if errors:
        raise ValidationError(errors)
    result, _ = ExamResult.objects.update_or_create(
        student=student, subject=subject, kind=kind, held_on=held_on,
        defaults={"value": value, "score": score, "entered_by": author,
                  "entered_at": timezone.now()},
    )  # fmt: skip
    school_audit_append(
        ctx=ctx, action="journal.exam_result", obj=result,
        new={"student": student.pk, "subject": subject.pk, "kind": kind, "value": value,
             "score": score, "held_on": held_on},
    )  # fmt: skip
    return result


# --- the summary sheet (JRN-13)


@dataclass
class Summary:
    students: list[Student]
    subjects: list[Subject]
    periods: list[Period]
    cells: dict[tuple[int, int, int], str]  # (student, subject, period) → mark or notation
    year: dict[tuple[int, int], str] = None  # (student, subject) → the year mark
    predicted_year: dict[tuple[int, int], str] = None  # N-08: the mean of the period marks


NOTATION_LABELS = {"exempt": "осв", "mastered": "осв", "not_attested": "н/а", "no_mark": "безотм"}


def summary_sheet(school_class: SchoolClass) -> Summary:
    """The class's period marks by student, subject and period, as they stand now (4 queries):
    computed from the period marks on every read, so it is always current."""
    on = timezone.localdate()
    students = list(
        Student.objects.filter(
            pk__in=ClassMembership.objects.filter(school_class=school_class, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on))
            .values("student_id")
        ).order_by("last_name", "first_name", "pk")
    )
    periods = list(
        Period.objects.filter(
            structure__year=school_class.year,
            structure__grade_from__lte=school_class.grade,
            structure__grade_to__gte=school_class.grade,
        ).order_by("start")
    )
    marks = PeriodMark.objects.filter(
        student__in=students, period__in=periods, invalidated_at__isnull=True
    ).select_related("subject")
    cells: dict[tuple[int, int, int], str] = {}
    subjects: dict[int, Subject] = {}
    for mark in marks:
        subjects[mark.subject_id] = mark.subject
        text = mark.value or NOTATION_LABELS.get(mark.notation, "")
        if not text and mark.deferred_until:
            text = f"перенос до {mark.deferred_until:%d.%m}"
        cells[(mark.student_id, mark.subject_id, mark.period_id)] = text
    ordered = sorted(subjects.values(), key=lambda s: s.name)
    year = {}
    for mark in YearMark.objects.filter(
        student__in=students, year=school_class.year, kind="year", invalidated_at__isnull=True
    ).select_related("subject"):
        subjects.setdefault(mark.subject_id, mark.subject)
        year[(mark.student_id, mark.subject_id)] = mark.value or NOTATION_LABELS.get(
            mark.notation, ""
        )
    ordered = sorted(subjects.values(), key=lambda s: s.name)
    system = grading_system_for(subject=None, grade=school_class.grade, school_class=school_class)
    scale = sorted(v.numeric for v in system.values.all() if v.numeric is not None)
    codes = {v.numeric: v.code for v in system.values.all() if v.numeric is not None}
    values: dict[tuple[int, int], list[Decimal]] = {}
    for mark in marks:
        if mark.numeric is not None:
            values.setdefault((mark.student_id, mark.subject_id), []).append(mark.numeric)
    predicted = {}
    for key, numbers in values.items():
        guess = year_mark_predicted(numbers, scale)
        if guess is not None:
            predicted[key] = codes.get(guess, str(guess))
    return Summary(students=students, subjects=ordered, periods=periods, cells=cells,
                   year=year, predicted_year=predicted)  # fmt: skip


def summary_rows(summary: Summary) -> list[dict]:
    rows = []
    for student in summary.students:
        rows.append(
            {
                "student": student.pk,
                "name": student.short_name,
                "marks": {
                    str(subject.pk): {
                        str(period.pk): summary.cells.get((student.pk, subject.pk, period.pk), "")
                        for period in summary.periods
                    }
                    for subject in summary.subjects
                },
                "year": {
                    str(subject.pk): summary.year.get((student.pk, subject.pk), "")
                    for subject in summary.subjects
                },
                "predicted_year": {
                    str(subject.pk): summary.predicted_year.get((student.pk, subject.pk), "")
                    for subject in summary.subjects
                },
            }
        )
    return rows
