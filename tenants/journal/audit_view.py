"""The journal's audit viewer (AUD-01, AUD-02): the school's audit records of journal data by
lesson, student, teacher, class and period, newest first, for the director and deputies."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Func, JSONField, Q, QuerySet

from tenants.audit.models import AuditRecord
from tenants.configuration.models import Period
from tenants.people.models import SchoolClass, Staff, Student
from tenants.timetable.models import Lesson

ACTION_LABELS = {
    "journal.mark_add": "Отметка выставлена",
    "journal.mark_change": "Отметка исправлена",
    "journal.mark_remove": "Отметка удалена",
    "journal.attendance_add": "Посещаемость отмечена",
    "journal.attendance_change": "Посещаемость исправлена",
    "journal.topic_set": "Тема урока",
    "journal.task_add": "Задание с видом работы",
    "journal.period_mark": "Отметка за период",
    "journal.year_mark": "Годовая (итоговая) отметка",
    "journal.makeup": "Отработка",
    "journal.downgrade_notice": "Уведомление о снижении отметки",
    "journal.exam_result": "Результат аттестации",
    "journal.correction_request": "Запрос на исправление",
    "journal.correction_decide": "Решение по запросу",
    "journal.invalidate": "Аннулировано (компрометация)",
    "journal.invalidate_account": "Аннулирование операций учётной записи",
}
LIMIT = 300


@dataclass
class Filters:
    lesson: Lesson | None = None
    student: Student | None = None
    teacher: Staff | None = None
    school_class: SchoolClass | None = None
    period: Period | None = None


def journal_audit(filters: Filters) -> QuerySet[AuditRecord]:
    """Journal audit records matching every given filter (a fixed number of queries)."""
    records = AuditRecord.objects.filter(action__startswith="journal.")
    if filters.teacher is not None:
        records = records.filter(actor_id=filters.teacher.user_id or -1)
    if filters.student is not None:
        records = records.filter(
            Q(new__student=filters.student.pk) | Q(old__student=filters.student.pk)
        )
    lessons: list[int] | QuerySet | None = None
    if filters.lesson is not None:
        lessons = [filters.lesson.pk]
    elif filters.school_class is not None or filters.period is not None:
        chosen = Lesson.objects.all()
        if filters.school_class is not None:
            chosen = chosen.filter(
                Q(school_class=filters.school_class) | Q(group__classes=filters.school_class)
            )
        if filters.period is not None:
            chosen = chosen.filter(date__range=(filters.period.start, filters.period.end))
        # a subquery, not a list: every lesson of the class or period, however many; the ids as
        # JSON values, to compare with the records' `lesson` keys as they are stored
        lessons = chosen.annotate(
            as_json=Func(F("pk"), function="to_jsonb", output_field=JSONField())
        ).values("as_json")
    if lessons is not None:
        records = records.filter(Q(new__lesson__in=lessons) | Q(old__lesson__in=lessons))
    return records.order_by("-id")


def label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
