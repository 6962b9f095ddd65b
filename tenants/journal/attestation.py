"""Around the period marks: make-ups of missed topics (JRN-15), the downgrade notice to guardians
(JRN-12), exam and attestation results (JRN-14) and the summary sheet of final marks (JRN-13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append, school_audit_append_many
from tenants.configuration.models import Notation, Period, Subject, WorkType
from tenants.configuration.selectors import (
    grading_system_for,
    grading_systems_for,
    periods_for,
    regulation_in_force,
)
from tenants.people.models import (
    ClassMembership,
    GroupMembership,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)
from tenants.people.selectors import teaches
from tenants.timetable.models import Lesson

from .models import Attendance, DowngradeNotice, ExamResult, Mark, PeriodMark, Task, YearMark
from .period_marks import year_mark_predicted
from .selectors import student_period_average
from .services import _attendance_audit, _mark_audit, _Scales, writable_lesson_ids

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
    (AUD-03 exempts make-ups). Two audit records: the mark (`journal.makeup`, with the task it
    goes under) and the absence's note (`journal.attendance_change`, old and new), so an
    invalidation (AUD-06) flags the one and rolls the other back."""
    if lesson.pk not in writable_lesson_ids(author, [lesson], timezone.localdate()):
        raise PermissionDenied("Отработку вносит учитель этого предмета в классе.")
    absence = (
        Attendance.objects.select_related("code")
        .select_for_update(of=("self",))
        .filter(lesson=lesson, student=student)
        .first()
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
    old_absence = _attendance_audit(absence)
    absence.note = ((f"{absence.note}; " if absence.note else "") + "отработано")[:300]
    absence.version += 1
    absence.save(update_fields=["note", "version"])
    makeup = _mark_audit(mark, lesson) | {
        "work_type": work_type.code, "absence": absence.code.code,
        "protocol": protocol.strip(), "protocol_date": protocol_date,
    }  # fmt: skip
    school_audit_append_many(
        ctx=ctx,
        entries=[
            Entry("journal.makeup", mark, None, makeup, cite),
            Entry("journal.attendance_change", absence, old_absence, _attendance_audit(absence),
                  cite),
        ],
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
    reason: str,
    today: date | None = None,
) -> DowngradeNotice:
    """Record that guardians are told the intended period mark is below the average, with the
    reason, at least `downgrade_notice_lessons_before_end` lessons before the period ends (a
    later notice is recorded and flagged late).

    The student must be in `school_class` (on `today`, or on the period's last day once it has
    ended), the period one of the class's, and `intended` a code of the subject's scale there.
    The average is computed here from the student's marks in the period, as the grid and the
    diary compute it (`selectors.student_period_average`); a figure sent by the client is not
    taken (the API still accepts an `average` field from older clients and ignores it). With no
    marks in the period there is no average to notify against: refused."""
    today = today or timezone.localdate()
    if not teaches(author, subject_id=subject.pk, school_class_id=school_class.pk):
        raise PermissionDenied("Уведомление направляет учитель этого предмета.")
    errors: dict[str, list[str]] = {}
    on = min(today, period.end)
    member = (
        ClassMembership.objects.filter(school_class=school_class, student=student, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .exists()
    )
    if not member:
        errors["student"] = ["Обучающийся не учится в этом классе."]
    structure = period.structure
    if structure.year_id != school_class.year_id or not (
        structure.grade_from <= school_class.grade <= structure.grade_to
    ):
        errors["period"] = ["Этот период не относится к классу."]
    grade = school_class.grade
    system = grading_system_for(subject=subject, grade=grade, school_class=school_class)
    codes = [v.code for v in system.values.order_by("position")]
    if intended not in codes:
        errors["intended"] = [f"Нет такой отметки в шкале ({', '.join(codes)})."]
    if not reason.strip():
        errors["reason"] = ["Укажите причину."]
    if errors:
        raise ValidationError(errors)
    average = student_period_average(student=student, subject=subject, period=period).value
    if average is None:
        raise ValidationError({"student": ["За период нет отметок: средний балл не рассчитан."]})
    needed = int(regulation_in_force(period.end)["downgrade_notice_lessons_before_end"])
    left = lessons_left(Q(school_class=school_class, subject=subject), period, today)
    notice = DowngradeNotice.objects.create(
        student=student, subject=subject, period=period, intended=intended, average=average,
        reason=reason.strip(), created_by=author, created_at=timezone.now(),
        lessons_left=left, is_late=left < needed,
    )  # fmt: skip
    school_audit_append(
        ctx=ctx, action="journal.downgrade_notice", obj=notice,
        new={"student": student.pk, "class": school_class.pk, "subject": subject.pk,
             "period": period.pk, "intended": intended, "average": average,
             "lessons_left": left, "late": notice.is_late},
        reason=notice.reason,
    )  # fmt: skip
    return notice


# --- exam and attestation results (JRN-14)


def _teaches_student(staff: Staff, subject: Subject, student: Student, on: date) -> bool:
    """Whether `staff` teaches `subject` on `on` to a class or group `student` is in then.
    One query."""
    current = Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))
    classes = ClassMembership.objects.filter(current, student=student).values("school_class_id")
    groups = GroupMembership.objects.filter(current, student=student).values("group_id")
    return (
        Teaching.objects.filter(current, staff=staff, subject=subject)
        .filter(Q(school_class_id__in=classes) | Q(group_id__in=groups))
        .exists()
    )


def _exam_view(result: ExamResult) -> dict:
    return {
        "student": result.student_id,
        "subject": result.subject_id,
        "kind": result.kind,
        "held_on": result.held_on,
        "value": result.value,
        "score": result.score,
        "entered_by": result.entered_by_id,
    }


@transaction.atomic
def exam_result_record(
    *,
    ctx: AuditContext,
    caller: Caller,
    author: Staff,
    student: Student,
    subject: Subject,
    kind: str,
    held_on: date,
    value: str = "",
    score: int | None = None,
) -> ExamResult:
    """Record an interim or final attestation or a state exam result (JRN-14). Entered by the
    director or a deputy (`journal:correct`) for any student, or by a teacher (`journal:write`)
    who teaches the subject today to the student's class or group; anyone else is refused
    (403). A result for the same student, subject, kind and day replaces the stored one; the
    audit record keeps both."""
    if not caller.has_any({Scope.JOURNAL_CORRECT}) and not (
        caller.has_any({Scope.JOURNAL_WRITE})
        and _teaches_student(author, subject, student, timezone.localdate())
    ):
        raise PermissionDenied(
            "Результаты аттестации вносят администрация и учитель этого предмета в классе."
        )
    errors = {}
    if kind not in ExamResult.Kind.values:
        errors["kind"] = ["Нет такого вида аттестации."]
    if not value and score is None:
        errors["value"] = ["Укажите отметку или баллы."]
    if score is not None and not 0 <= score <= 100:
        errors["score"] = ["Баллы — от 0 до 100."]
    if errors:
        raise ValidationError(errors)
    stored = (
        ExamResult.objects.select_for_update()
        .filter(student=student, subject=subject, kind=kind, held_on=held_on)
        .first()
    )
    old = _exam_view(stored) if stored is not None else None
    result = stored or ExamResult(student=student, subject=subject, kind=kind, held_on=held_on)
    result.value, result.score = value, score
    result.entered_by, result.entered_at = author, timezone.now()
    result.save()
    school_audit_append(
        ctx=ctx, action="journal.exam_result", obj=result, old=old, new=_exam_view(result)
    )
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


def notation_labels() -> dict[str, str]:
    """The school's labels of the notations (CFG-09: the school may relabel them), code → label,
    disabled ones included: a mark keeps its notation after it is switched off. 1 query."""
    return dict(Notation.objects.values_list("code", "label"))


def summary_sheet(school_class: SchoolClass) -> Summary:
    """The class's period marks by student, subject and period, as they stand now (7–8 queries):
    computed from the period marks on every read, so it is always current. The predicted year
    mark of each subject is on that subject's own scale in the class."""
    on = timezone.localdate()
    students = list(
        Student.objects.filter(
            pk__in=ClassMembership.objects.filter(school_class=school_class, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on))
            .values("student_id")
        ).order_by("last_name", "first_name", "pk")
    )
    periods = list(periods_for(year=school_class.year_id, grade=school_class.grade))
    labels = notation_labels()
    marks = list(
        PeriodMark.objects.filter(
            student__in=students, period__in=periods, invalidated_at__isnull=True
        ).select_related("subject")
    )
    cells: dict[tuple[int, int, int], str] = {}
    subjects: dict[int, Subject] = {}
    values: dict[tuple[int, int], list[Decimal]] = {}
    for mark in marks:
        subjects[mark.subject_id] = mark.subject
        text = mark.value or labels.get(mark.notation, "")
        if not text and mark.deferred_until:
            text = f"перенос до {mark.deferred_until:%d.%m}"
        cells[(mark.student_id, mark.subject_id, mark.period_id)] = text
        if mark.numeric is not None:
            values.setdefault((mark.student_id, mark.subject_id), []).append(mark.numeric)
    year = {}
    for mark in YearMark.objects.filter(
        student__in=students, year=school_class.year, kind="year", invalidated_at__isnull=True
    ).select_related("subject"):
        subjects.setdefault(mark.subject_id, mark.subject)
        year[(mark.student_id, mark.subject_id)] = mark.value or labels.get(mark.notation, "")
    ordered = sorted(subjects.values(), key=lambda s: s.name)
    predicted = {}
    if values:
        systems = grading_systems_for(
            subject_ids=sorted({subject_id for _, subject_id in values}),
            grade=school_class.grade,
            school_class=school_class,
        )
        prefetch_related_objects(list(systems.values()), "values")
        scales: dict[int | None, tuple[list[Decimal], dict[Decimal, str]]] = {}
        for subject_id, system in systems.items():
            numbered = [(v.numeric, v.code) for v in system.values.all() if v.numeric is not None]
            scales[subject_id] = (sorted(n for n, _ in numbered), dict(numbered))
        for (student_id, subject_id), numbers in values.items():
            scale, codes = scales[subject_id]
            guess = year_mark_predicted(numbers, scale)
            if guess is not None:
                predicted[(student_id, subject_id)] = codes.get(guess, str(guess))
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
