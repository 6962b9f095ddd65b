"""A term of demo journal data: the first period of the year, up to today, in every class and
subject: topics from the lesson plans, absences (illness, valid reasons, lateness), oral answers
for a few students most lessons and a written work for the whole class every few weeks.

Written in bulk through `journal_load` (rows and their audit records in one transaction), with
entry times on the lesson day as a teacher would have entered them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append_many
from tenants.configuration.averaging import WeightedMark, predicted_mark, weighted_average
from tenants.configuration.models import Period, WorkType
from tenants.configuration.selectors import grading_system_for
from tenants.people.models import ClassMembership
from tenants.school.clock import school_zone
from tenants.timetable.models import Lesson

from .models import AbsenceCode, Attendance, LessonRecord, Mark, PeriodMark, Task
from .period_marks import _period_mark_audit
from .services import _attendance_audit, _mark_audit

ABSENCES = [("Б", 0.03), ("УП", 0.01), ("Н", 0.005), ("ОП", 0.01)]
MARK_WEIGHTS = {"5": 30, "4": 40, "3": 24, "2": 6}


@transaction.atomic
def demo_journal() -> bool:
    """Fill the first period (up to today) of the current schema's journal; False if done."""
    if Mark.objects.exists():
        return False
    today = timezone.localdate()
    periods = list(
        Period.objects.filter(structure__year__is_current=True, number=1).select_related(
            "structure"
        )
    )
    if not periods:
        return False
    rng = random.Random(7)  # noqa: S311 - demo data
    zone = school_zone()
    codes = {c.code: c for c in AbsenceCode.objects.all()}
    oral = WorkType.objects.get(code="oral")
    written = WorkType.objects.get(code="written")
    lessons = []
    for period in periods:
        lessons += list(
            Lesson.objects.filter(
                date__range=(period.start, min(period.end, today)),
                school_class__grade__gte=max(period.structure.grade_from, 2),
                school_class__grade__lte=period.structure.grade_to,
            ).select_related("school_class", "subject", "teacher", "plan_topic")
        )
    if not lessons:
        return False
    members: dict[int, list[int]] = defaultdict(list)
    for class_id, student_id in ClassMembership.objects.filter(
        school_class_id__in={lesson.school_class_id for lesson in lessons}, end__isnull=True
    ).values_list("school_class_id", "student_id"):
        members[class_id].append(student_id)
    scales: dict[tuple, set[str]] = {}
    records, tasks, attendance, marks = [], [], [], []
    per_unit = defaultdict(int)
    for lesson in sorted(lessons, key=lambda x: (x.date, x.number)):
        entered = datetime.combine(lesson.date, time(15, 0), tzinfo=zone)
        students = members.get(lesson.school_class_id, [])
        if lesson.plan_topic_id:
            records.append(LessonRecord(lesson=lesson, topic=lesson.plan_topic.title,
                                        entered_at=entered, entered_by=lesson.teacher))  # fmt: skip
        absent = set()
        for student in students:
            for code, share in ABSENCES:
                if rng.random() < share:
                    if code != "ОП":
                        absent.add(student)
                    attendance.append(Attendance(
                        lesson=lesson, student_id=student, code=codes[code],
                        late_minutes=rng.choice([5, 10, 15]) if code == "ОП" else None,
                        entered_at=entered, entered_by=lesson.teacher,
                    ))  # fmt: skip
                    break
        key = (lesson.subject_id, lesson.school_class_id)
        if key not in scales:
            system = grading_system_for(
                subject=lesson.subject, grade=lesson.school_class.grade,
                school_class=lesson.school_class,
            )  # fmt: skip
            scales[key] = {v.code for v in system.values.all()}
        scale = scales[key]
        per_unit[key] += 1
        present = [s for s in students if s not in absent]
        whole_class = per_unit[key] % 8 == 0
        answering = (
            present if whole_class else rng.sample(present, min(len(present), rng.randint(2, 5)))
        )
        if not answering or not set(MARK_WEIGHTS) <= scale:
            continue
        task = Task(lesson=lesson, work_type=written if whole_class else oral,
                    created_by=lesson.teacher)  # fmt: skip
        tasks.append(task)
        for student in answering:
            value = rng.choices(list(MARK_WEIGHTS), weights=list(MARK_WEIGHTS.values()))[0]
            marks.append(Mark(task=task, student_id=student, value=value, numeric=int(value),
                              entered_at=entered, entered_by=lesson.teacher))  # fmt: skip
    finals = _period_marks(periods, lessons, tasks, marks, today, zone)
    journal_load(records=records, tasks=tasks, attendance=attendance, marks=marks, finals=finals)
    Lesson.objects.filter(pk__in={lesson.pk for lesson in lessons}).update(has_journal_data=True)
    return True


def _period_marks(periods, lessons, tasks, marks, today, zone) -> list[PeriodMark]:
    """For a period that has ended: each student's period mark, the predicted one (JRN-11)."""
    ended = {p.pk: p for p in periods if p.end < today}
    if not ended:
        return []
    task_lesson = {id(t): t.lesson for t in tasks}
    weights = {id(t): t.work_type.weight for t in tasks}
    per_cell: dict[tuple, list[WeightedMark]] = defaultdict(list)
    for mark in marks:
        lesson = task_lesson[id(mark.task)]
        period = next(
            (p for p in ended.values() if p.start <= lesson.date <= p.end
             and p.structure.grade_from <= lesson.school_class.grade <= p.structure.grade_to),
            None,
        )  # fmt: skip
        if period is not None:
            key = (mark.student_id, lesson.subject_id, lesson.school_class_id, period.pk)
            per_cell[key].append(WeightedMark(Decimal(mark.value), weights[id(mark.task)]))
    teacher_of = {(x.school_class_id, x.subject_id): x.teacher for x in lessons}
    finals = []
    for (student, subject, school_class, period_pk), values in per_cell.items():
        value = predicted_mark(weighted_average(values).value, [Decimal(n) for n in "2345"])
        if value is None:
            continue
        finals.append(PeriodMark(
            student_id=student, subject_id=subject, school_class_id=school_class,
            period_id=period_pk, value=str(int(value)), numeric=value,
            entered_at=datetime.combine(ended[period_pk].end, time(16, 0), tzinfo=zone),
            entered_by=teacher_of[(school_class, subject)],
        ))  # fmt: skip
    return finals


def journal_load(*, records, tasks, attendance, marks, finals=()) -> int:
    """Write journal rows in bulk with one audit record each (the demo; a migration of a term
    from another system would go the same way). Call inside a transaction. The audit records
    are those the services write (`journal_save`, `task_add`, `period_marks_save`), so the
    audit viewer finds them by lesson, class and period as it finds real ones. `tasks` carry
    their lessons and work types, and `marks` their tasks, as objects."""
    ctx = AuditContext.system("demo")
    LessonRecord.objects.bulk_create(records, batch_size=2000)
    Task.objects.bulk_create(tasks, batch_size=2000)
    # the marks' tasks, kept before task_id is set: setting it drops the cached task
    mark_tasks = [mark.task for mark in marks]
    for mark, task in zip(marks, mark_tasks, strict=True):
        mark.task_id = task.pk
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    Mark.objects.bulk_create(marks, batch_size=2000)
    PeriodMark.objects.bulk_create(finals, batch_size=2000)
    entries = [Entry("journal.topic_set", r, None, {"lesson": r.lesson_id, "topic": r.topic})
               for r in records]  # fmt: skip
    entries += [Entry("journal.task_add", t, None,
                      {"lesson": t.lesson_id, "work_type": t.work_type.code, "title": t.title})
                for t in tasks]  # fmt: skip
    entries += [Entry("journal.attendance_add", a, None, _attendance_audit(a))
                for a in attendance]  # fmt: skip
    entries += [Entry("journal.mark_add", m, None, _mark_audit(m, t.lesson))
                for m, t in zip(marks, mark_tasks, strict=True)]  # fmt: skip
    entries += [Entry("journal.period_mark", f, None, _period_mark_audit(f)) for f in finals]
    for start in range(0, len(entries), 20_000):
        school_audit_append_many(ctx=ctx, entries=entries[start : start + 20_000])
    return len(entries)
