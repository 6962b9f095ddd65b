"""The diary of one child in their school's schema (DIA-02, DIA-04): a subject (marks with the
work behind them, the weighted average, the predicted period mark, period and year marks), a
period's summary of every subject, and the card (teachers, calendar, tests calendar, events,
exam choices, recommendations). Call inside `schema_context(child.school.schema)`.

Only the child's own rows are read: no class averages or ranks that would reveal others (DIA-03,
PDN-07). Entries invalidated as a compromised account's (AUD-06) never show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, prefetch_related_objects

from tenants.configuration.averaging import WeightedMark, predicted_mark, weighted_average
from tenants.configuration.models import HolidayPeriod, Period, Subject
from tenants.configuration.selectors import (
    grading_systems_for,
    periods_for,
    regulation_in_force,
)
from tenants.events.choices import ControlForm, EventLevel
from tenants.events.models import ControlWork, Event, ExamChoice
from tenants.journal.models import Attendance, Mark, PeriodMark, YearMark
from tenants.people.models import ClassMembership, GroupMembership, SchoolClass, Teaching
from tenants.timetable.models import Recommendation

from .family import Child


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def units_of(child: Child, on: date) -> tuple[set[int], set[int]]:
    """The child's classes and groups of the current year."""
    classes = set(
        ClassMembership.objects.filter(
            student_id=child.student_id, school_class__year__is_current=True
        ).values_list("school_class_id", flat=True)
    )
    groups = set(
        GroupMembership.objects.filter(
            student_id=child.student_id, group__year__is_current=True
        ).values_list("group_id", flat=True)
    )
    return classes, groups


def periods_of(child: Child) -> list[Period]:
    if child.grade is None:
        return []
    return list(periods_for(year=None, grade=child.grade))


def period_for(child: Child, period_id: int | None, on: date) -> Period | None:
    periods = periods_of(child)
    if period_id is not None:
        return next((p for p in periods if p.pk == period_id), None)
    return next((p for p in periods if p.start <= on <= p.end), None) or next(
        (p for p in reversed(periods) if p.end < on), periods[0] if periods else None
    )


@dataclass(frozen=True)
class _Scale:
    numeric: list[Decimal]  # the scale's numeric values, lowest first
    code_of: dict[Decimal, str]
    failing: frozenset[str]  # codes of the values that do not pass (DIA-09)


def _scales(child: Child, subject_ids: Iterable[int | None]) -> dict[int | None, _Scale]:
    """The scale of each subject in the child's class: 3 queries for any number of subjects."""
    systems = grading_systems_for(
        subject_ids=list(subject_ids),
        grade=child.grade or 1,
        school_class=SchoolClass.objects.filter(pk=child.class_id).first(),
    )
    prefetch_related_objects(list(set(systems.values())), "values")
    scales = {}
    for subject_id, system in systems.items():
        values = sorted(system.values.all(), key=lambda v: v.position)
        scales[subject_id] = _Scale(
            [v.numeric for v in values if v.numeric is not None],
            {v.numeric: v.code for v in values if v.numeric is not None},
            frozenset(v.code for v in values if not v.passes),
        )
    return scales


def _average(scale: _Scale, marks, rules) -> dict:
    average = weighted_average(
        [WeightedMark(m["numeric"], m["weight"]) for m in marks if m["numeric"] is not None],
        min_marks=int(rules.get("min_marks_per_period", 3)),
    )
    predicted = predicted_mark(
        average.value,
        scale.numeric,
        threshold=Decimal(str(rules.get("rounding_threshold", "0.5"))),
    )
    return {
        "average": _number(average.value),
        "count": average.count,
        "too_few": average.too_few,
        "predicted": scale.code_of.get(predicted) if predicted is not None else None,
    }


def _marks(child: Child, period: Period, subject_id: int | None = None) -> list[dict]:
    marks = Mark.objects.filter(
        student_id=child.student_id,
        invalidated_at__isnull=True,
        task__lesson__date__range=(period.start, period.end),
    )
    if subject_id is not None:
        marks = marks.filter(task__lesson__subject_id=subject_id)
    return [
        {"date": day, "subject_id": subject, "subject": subject_name, "value": value,
         "numeric": numeric, "weight": weight, "work_type": work, "title": title,
         "comment": comment, "topic": topic if topic and not topic_invalid else ""}
        for (day, subject, subject_name, value, numeric, weight, work, title, comment, topic,
             topic_invalid) in marks.order_by("task__lesson__date", "task__lesson__number", "pk")
        .values_list("task__lesson__date", "task__lesson__subject_id",
                     "task__lesson__subject__name", "value", "numeric", "task__work_type__weight",
                     "task__work_type__name", "task__title", "comment",
                     "task__lesson__record__topic", "task__lesson__record__invalidated_at")
    ]  # fmt: skip


def _unit_marks(model, child: Child, **filters):
    return model.objects.filter(
        student_id=child.student_id, invalidated_at__isnull=True, **filters
    ).select_related("subject")


def diary_subject(child: Child, subject: Subject, period: Period) -> dict:
    """One subject in one period: the marks, the average and predicted mark, and the final
    marks of the year so far."""
    rules = regulation_in_force(period.end)
    marks = _marks(child, period, subject.pk)
    period_marks = {
        m.period_id: m for m in _unit_marks(PeriodMark, child, subject=subject)
    }  # fmt: skip
    year_marks = list(_unit_marks(YearMark, child, subject=subject, year__is_current=True))
    return {
        "child": child.key,
        "subject": {"id": subject.pk, "name": subject.name},
        "period": {"id": period.pk, "name": period.name, "start": period.start, "end": period.end},
        "marks": [
            {k: v for k, v in m.items() if k not in ("numeric", "weight", "subject_id")}
            | {"weight": _number(m["weight"])}
            for m in marks
        ],
        **_average(_scales(child, [subject.pk])[subject.pk], marks, rules),
        "period_marks": [
            {
                "period": p.name,
                "value": m.value,
                "notation": m.notation,
                "deferred_until": m.deferred_until,
            }
            for p in periods_of(child)
            if (m := period_marks.get(p.pk)) is not None
        ],
        "year_marks": [
            {"kind": m.get_kind_display(), "value": m.value, "notation": m.notation}
            for m in year_marks
        ],
    }


def diary_summary(child: Child, period: Period) -> dict:
    """A period's summary (DIA-02): per subject, marks, average, predicted and period mark,
    missed lessons; and the missed lessons and unsatisfactory marks with their topics (DIA-09)."""
    rules = regulation_in_force(period.end)
    marks = _marks(child, period)
    by_subject = defaultdict(list)
    for m in marks:
        by_subject[m["subject_id"]].append(m)
    absences = {
        row["lesson__subject_id"]: row
        for row in Attendance.objects.filter(
            student_id=child.student_id, invalidated_at__isnull=True,
            lesson__date__range=(period.start, period.end), code__isnull=False,
        )
        .values("lesson__subject_id")
        .annotate(missed=Count("pk", filter=Q(code__counts_present=False)),
                  late=Count("pk", filter=Q(late_minutes__gt=0)))
    }  # fmt: skip
    period_marks = {m.subject_id: m for m in _unit_marks(PeriodMark, child, period=period)}
    subject_ids = set(by_subject) | set(absences) | set(period_marks)
    subjects = Subject.objects.in_bulk(subject_ids)
    scales = _scales(child, subject_ids)
    rows = []
    for pk in sorted(subject_ids, key=lambda s: subjects[s].name):
        subject_marks = by_subject.get(pk, [])
        final = period_marks.get(pk)
        rows.append({
            "subject": {"id": pk, "name": subjects[pk].name},
            "marks": [m["value"] for m in subject_marks],
            **_average(scales[pk], subject_marks, rules),
            "period_mark": (final.value or final.notation) if final else None,
            "missed": absences.get(pk, {}).get("missed", 0),
            "late": absences.get(pk, {}).get("late", 0),
        })  # fmt: skip
    low = [
        {"date": m["date"], "subject": m["subject"], "value": m["value"], "topic": m["topic"],
         "work_type": m["work_type"]}
        for m in marks
        if m["value"] in scales[m["subject_id"]].failing
    ]  # fmt: skip
    missed = [
        {"date": day, "subject": subject, "code": code, "topic": "" if invalid else topic or ""}
        for day, subject, code, topic, invalid in Attendance.objects.filter(
            student_id=child.student_id, invalidated_at__isnull=True,
            lesson__date__range=(period.start, period.end), code__counts_present=False,
        ).order_by("lesson__date", "lesson__number")
        .values_list("lesson__date", "lesson__subject__name", "code__label",
                     "lesson__record__topic", "lesson__record__invalidated_at")
    ]  # fmt: skip
    return {
        "child": child.key,
        "period": {"id": period.pk, "name": period.name, "start": period.start, "end": period.end},
        "periods": [{"id": p.pk, "name": p.name} for p in periods_of(child)],
        "subjects": rows,
        "unsatisfactory": low,
        "missed_lessons": missed,
    }


def diary_card(child: Child, on: date) -> dict:
    """Teachers, the year's calendar, the tests calendar, coming events, exam choices and
    recommendations (DIA-02)."""
    classes, groups = units_of(child, on)
    unit = Q(school_class_id__in=classes) | Q(group_id__in=groups)
    teachers = [
        {"subject": subject, "teacher": f"{last} {first} {middle}".strip()}
        for subject, last, first, middle in Teaching.objects.filter(unit, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .order_by("subject__name")
        .values_list("subject__name", "staff__last_name", "staff__first_name",
                     "staff__middle_name")
    ]  # fmt: skip
    lead = (
        SchoolClass.objects.filter(pk=child.class_id)
        .values_list("class_teacher__last_name", "class_teacher__first_name",
                     "class_teacher__middle_name")
        .first()
    )  # fmt: skip
    periods = periods_of(child)
    holidays = HolidayPeriod.objects.filter(year__is_current=True)
    if child.grade is not None:
        holidays = holidays.filter(grade_from__lte=child.grade, grade_to__gte=child.grade)
    year_end = periods[-1].end if periods else on + timedelta(days=365)
    return {
        "child": child.key,
        "class_teacher": " ".join(p for p in lead if p) if lead and lead[0] else None,
        "teachers": teachers,
        "periods": [{"id": p.pk, "name": p.name, "start": p.start, "end": p.end} for p in periods],
        "holidays": [{"name": h.name, "start": h.start, "end": h.end} for h in holidays],
        "control_works": [
            {
                "date": day,
                "lesson": number,
                "subject": subject,
                "form": ControlForm(form).label,
                "title": title,
            }
            for day, number, subject, form, title in ControlWork.objects.filter(
                unit, date__range=(on, year_end)
            )
            .order_by("date", "lesson_number")
            .values_list("date", "lesson_number", "subject__name", "form", "title")
        ],
        "events": [
            {
                "date": day,
                "end_date": end,
                "title": title,
                "place": place,
                "level": EventLevel(level).label,
            }
            for day, end, title, place, level in Event.objects.filter(
                Q(level=EventLevel.SCHOOL) | Q(school_class_id__in=classes)
            )
            .filter(Q(date__gte=on) | Q(end_date__gte=on))
            .order_by("date")[:50]
            .values_list("date", "end_date", "title", "place", "level")
        ],
        "exam_choices": [
            {
                "kind": c.get_kind_display(),
                "subject": c.subject.name,
                "level": c.get_level_display() if c.level else "",
                "status": c.get_status_display(),
            }
            for c in ExamChoice.objects.filter(
                student_id=child.student_id, year__is_current=True
            ).select_related("subject")
        ],
        "recommendations": [
            {
                "date": r.created_at.date(),
                "subject": r.subject.name if r.subject else "",
                "text": r.text,
            }
            for r in Recommendation.objects.filter(student_id=child.student_id).select_related(
                "subject"
            )[:30]
        ],
    }
