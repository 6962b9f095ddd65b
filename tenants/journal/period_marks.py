"""Period marks (JRN-08…JRN-11, X-04, X-05, X-10): a mark of the scale or a notation (осв, н/а,
безотм) per student, subject and period, entered in the window the regulation sets, or deferred
for illness with a new due date (JRN-10).

- The window opens `period_mark_window_open_days` before the period's end; marks are due
  `period_mark_due_days_before_end` before it. Before the window: refused. After the due day:
  saved and flagged late. A closed period refuses, except a deferred mark up to its new date.
- Once every student of the class (or group) has a period mark, a notation or a deferral, and
  `teacher_lock_on_period_marks` is on, the lessons of that subject and period are locked for
  the teacher (CFG-12): later changes go through a correction request.
- The predicted mark (JRN-11) is what the grid shows next to it; the period mark itself is the
  teacher's decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from otmetka.notifications.hooks import final_marks_saved
from tenants.audit.services import school_audit_append_many
from tenants.configuration.models import Notation, Period, Subject
from tenants.configuration.selectors import (
    grading_system_for,
    periods_for,
    regulation_in_force,
)
from tenants.people.models import ClassMembership, Group, GroupMembership, SchoolClass, Staff
from tenants.people.selectors import teaches, unit_grade
from tenants.school.clock import school_zone

from .models import PeriodMark


@dataclass(frozen=True)
class PeriodMarkChange:
    student: int
    value: str = ""  # a code of the scale, or
    notation: str = ""  # a notation code (exempt, not_attested, …), or neither with
    defer_until: date | None = None  # a deferral for illness (JRN-10) with
    defer_reason: str = ""
    version: int | None = None
    reason: str = ""


def _require_teacher(author, school_class, group, subject) -> None:
    """Period and year marks are the subject teacher's in that class or group (403 otherwise)."""
    unit = {
        "school_class_id": school_class.pk if school_class else None,
        "group_id": group.pk if group else None,
    }
    if not teaches(author, subject_id=subject.pk, **unit):
        raise PermissionDenied("Отметки за период выставляет учитель этого предмета.")


@dataclass(frozen=True)
class Window:
    opens: date
    due: date
    end: date


def window(period: Period) -> Window:
    rules = regulation_in_force(period.end)
    opens = period.end - timedelta(days=int(rules["period_mark_window_open_days"]))
    due = period.end - timedelta(days=int(rules["period_mark_due_days_before_end"]))
    return Window(opens=opens, due=due, end=period.end)


def _members(school_class: SchoolClass | None, group: Group | None, period: Period) -> set[int]:
    rows = (
        ClassMembership.objects.filter(school_class=school_class)
        if school_class
        else GroupMembership.objects.filter(group=group)
    )
    return set(
        rows.filter(start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.end))
        .values_list("student_id", flat=True)
    )


def teacher_locked(
    *, school_class: SchoolClass | None, group: Group | None, subject: Subject, period: Period
) -> bool:
    """True once every student of the unit has a period mark, a notation or a deferral and the
    regulation locks the journal for the teacher then (X-05). Two queries."""
    rules = regulation_in_force(period.end)
    if not rules.get("teacher_lock_on_period_marks", True):
        return False
    done = set(
        PeriodMark.objects.filter(
            period=period, subject=subject, school_class=school_class, group=group
        ).values_list("student_id", flat=True)
    )
    return locks(rules, _members(school_class, group, period), done)


def locks(rules: dict, members_at_end: set[int], done: set[int]) -> bool:
    """The X-05 rule on loaded data: every student at the period's end has a period mark, a
    notation or a deferral, and the regulation locks the journal then."""
    return bool(
        rules.get("teacher_lock_on_period_marks", True)
        and members_at_end
        and members_at_end <= done
    )


@transaction.atomic
def period_marks_save(
    *,
    ctx: AuditContext,
    author: Staff,
    school_class: SchoolClass | None,
    group: Group | None,
    subject: Subject,
    period: Period,
    changes: Sequence[PeriodMarkChange],
    now: datetime | None = None,
    correction: str = "",
) -> list[PeriodMark]:
    """Save period marks of one class-or-group and subject; any bad row refuses all, named.
    `correction` (an approved request) lets them past the close and is their audit reason."""
    _require_teacher(author, school_class, group, subject)
    now = now or timezone.now()
    today = now.astimezone(school_zone()).date()
    win = window(period)
    members = _members(school_class, group, period)
    grade = unit_grade(school_class, group)
    system = grading_system_for(subject=subject, grade=grade, school_class=school_class)
    scale = {v.code: v.numeric for v in system.values.all()}
    notations = {n.code for n in Notation.objects.filter(is_enabled=True)}
    stored = {
        m.student_id: m
        for m in PeriodMark.objects.filter(
            period=period, subject=subject, school_class=school_class, group=group
        ).select_for_update()
    }
    closed = period.is_locked(now)
    errors: dict[str, list[str]] = {}
    saved, entries = [], []
    for i, change in enumerate(changes):
        prefix = f"period_marks[{i}]"
        mark = stored.get(change.student)
        problems = []
        if change.student not in members:
            problems.append("Обучающийся не учится в этом классе или группе в конце периода.")
        chosen = [bool(change.value), bool(change.notation), change.defer_until is not None]
        if sum(chosen) != 1:
            problems.append("Укажите отметку, обозначение или перенос срока.")
        if change.value and change.value not in scale:
            problems.append(f"Нет такой отметки в шкале ({', '.join(scale)}).")
        if change.notation and change.notation not in notations:
            problems.append("Это обозначение в школе не используется.")
        deferring = change.defer_until is not None
        if deferring and (change.defer_until <= period.end or not change.defer_reason.strip()):
            problems.append("Перенос — на дату после конца периода и с причиной (JRN-10).")
        deferred_open = mark is not None and mark.deferred_until and today <= mark.deferred_until
        if today < win.opens and not deferring and not correction:
            problems.append(f"Окно выставления откроется {win.opens:%d.%m.%Y}.")
        if closed and not deferring and not deferred_open and not correction:
            problems.append(f"Период «{period.name}» закрыт: нужен запрос на исправление.")
        if (mark.version if mark else None) != change.version:
            problems.append("Отметку уже изменил другой пользователь: обновите страницу.")
        if mark is not None and (mark.value or mark.notation) and not change.reason.strip():
            if not deferring and not deferred_open and not correction:
                problems.append("Исправление отметки за период — с указанием причины.")
        if problems:
            errors[prefix] = problems
            continue
        old = _period_mark_audit(mark) if mark else None
        mark = mark or PeriodMark(
            student_id=change.student, subject=subject, period=period,
            school_class=school_class, group=group, version=0,
        )  # fmt: skip
        if deferring:
            mark.deferred_until, mark.defer_reason = change.defer_until, change.defer_reason.strip()
            mark.value, mark.numeric, mark.notation = "", None, ""
        else:
            mark.value, mark.numeric = change.value, scale.get(change.value)
            mark.notation = change.notation
            mark.is_late = today > win.due and not deferred_open
        mark.entered_at, mark.entered_by = now, author
        mark.version += 1
        mark.invalidated_at = None
        saved.append(mark)
        entries.append((old, mark, change.reason.strip() or correction))
    if errors:
        raise ValidationError(errors)
    for mark in saved:
        mark.save()
    school_audit_append_many(
        ctx=ctx,
        entries=[
            Entry("journal.period_mark", mark, old, _period_mark_audit(mark), reason)
            for old, mark, reason in entries
        ],
    )
    final_marks_saved("period", [mark.pk for mark in saved])  # notices once it commits
    return saved


def _period_mark_audit(mark: PeriodMark) -> dict:
    return {
        "student": mark.student_id,
        "subject": mark.subject_id,
        "period": mark.period_id,
        "value": mark.value,
        "notation": mark.notation,
        "deferred_until": mark.deferred_until,
        "defer_reason": mark.defer_reason,
        "late": mark.is_late,
    }


# --- year and итоговая marks (N-08)


@dataclass(frozen=True)
class YearMarkChange:
    student: int
    value: str = ""
    notation: str = ""
    version: int | None = None
    reason: str = ""


def year_mark_predicted(period_values: list[Decimal], scale: list[Decimal]) -> Decimal | None:
    """N-08: the mean of the period marks, rounded to the scale at 0.5."""
    from tenants.configuration.averaging import WeightedMark, predicted_mark, weighted_average

    average = weighted_average([WeightedMark(v) for v in period_values], min_marks=0).value
    return predicted_mark(average, scale)


@transaction.atomic
def year_marks_save(
    *,
    ctx: AuditContext,
    author: Staff,
    school_class: SchoolClass | None,
    group: Group | None,
    subject: Subject,
    kind: str,
    changes: Sequence[YearMarkChange],
    now: datetime | None = None,
) -> list:
    """Year (or итоговая) marks of a class-or-group in a subject, once the year's last period
    window has opened; a change needs a reason; any bad row refuses all, named."""
    from .models import YearMark

    _require_teacher(author, school_class, group, subject)
    now = now or timezone.now()
    today = now.astimezone(school_zone()).date()
    unit = school_class or group
    grade = unit_grade(school_class, group)
    last = periods_for(year=unit.year_id, grade=grade).last()
    members = _members(school_class, group, last) if last else set()
    system = grading_system_for(subject=subject, grade=grade, school_class=school_class)
    scale = {v.code: v.numeric for v in system.values.all()}
    notations = {n.code for n in Notation.objects.filter(is_enabled=True)}
    stored = {
        m.student_id: m
        for m in YearMark.objects.filter(
            year=unit.year, subject=subject, kind=kind, student_id__in=members
        ).select_for_update()  # the unit's rows only, not the whole school's
    }
    bad_kind = kind not in YearMark.Kind.values
    not_open = last is None or today < window(last).opens  # once, not per row
    errors: dict[str, list[str]] = {}
    saved = []
    for i, change in enumerate(changes):
        problems = []
        mark = stored.get(change.student)
        if bad_kind:
            problems.append("Вид: годовая или итоговая.")
        if not_open:
            problems.append("Годовые отметки — когда откроется окно последнего периода.")
        if change.student not in members:
            problems.append("Обучающийся не учится в этом классе или группе.")
        if bool(change.value) == bool(change.notation):
            problems.append("Укажите отметку или обозначение.")
        if change.value and change.value not in scale:
            problems.append(f"Нет такой отметки в шкале ({', '.join(scale)}).")
        if change.notation and change.notation not in notations:
            problems.append("Это обозначение в школе не используется.")
        if (mark.version if mark else None) != change.version:
            problems.append("Отметку уже изменил другой пользователь: обновите страницу.")
        if mark is not None and not change.reason.strip():
            problems.append("Исправление годовой отметки — с указанием причины.")
        if problems:
            errors[f"year_marks[{i}]"] = problems
            continue
        old = {"value": mark.value, "notation": mark.notation} if mark else None
        mark = mark or YearMark(
            student_id=change.student, subject=subject, year=unit.year, kind=kind,
            school_class=school_class, group=group, version=0,
        )  # fmt: skip
        mark.value, mark.numeric = change.value, scale.get(change.value)
        mark.notation, mark.entered_at, mark.entered_by = change.notation, now, author
        mark.version += 1
        mark.invalidated_at = None
        saved.append((old, mark, change.reason.strip()))
    if errors:
        raise ValidationError(errors)
    for _, mark, _ in saved:
        mark.save()
    school_audit_append_many(
        ctx=ctx,
        entries=[
            Entry("journal.year_mark", mark, old,
                  {"student": mark.student_id, "subject": mark.subject_id, "kind": mark.kind,
                   "value": mark.value, "notation": mark.notation}, reason)
            for old, mark, reason in saved
        ],
    )  # fmt: skip
    final_marks_saved("year", [mark.pk for _, mark, _ in saved])  # notices once it commits
    return [mark for _, mark, _ in saved]
