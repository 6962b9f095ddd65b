"""Homework (TTB-08, X-02) and teachers' recommendations (TTB-09).

Homework is given at a lesson, for the whole class or group or for some of its students, and may
be posted in advance. It must be entered by `homework_due_minutes_after_last_lesson` after the
end of the class's last lesson that day (never later than the end of that day), in the school's
time: a later entry is saved and flagged, never refused. Files go to object storage under the
school's prefix, when their content is of the type their name says.

Homework and its files are written by the lesson's teacher, its substitute or a co-teacher of the
subject; recommendations by those who teach the student or lead their class (`access`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from otmetka.audit.context import AuditContext
from services.storage import file_extension, objects_forget, sniff_type, upload_store
from tenants.audit.services import school_audit_append
from tenants.configuration.models import Subject
from tenants.configuration.selectors import regulation_in_force
from tenants.people.models import ClassMembership, GroupMembership, Staff, Student
from tenants.school.clock import day_end, school_datetime, school_zone

from .access import require_lesson_writer, require_student_adviser
from .lessons import lesson_units
from .models import (
    Bell,
    BellSchedule,
    Homework,
    HomeworkFile,
    HomeworkMethod,
    Lesson,
    Recommendation,
)

logger = logging.getLogger(__name__)
FILE_MAX_BYTES = 10 * 1024 * 1024
FILES_MAX = 5
# what families can open: documents, pictures, audio
FILE_EXTENSIONS = (
    ".pdf", ".docx", ".odt", ".pptx", ".xlsx", ".txt", ".jpg", ".jpeg", ".png", ".mp3",
)  # fmt: skip


def _class_ids(lesson: Lesson) -> list[int]:
    if lesson.school_class_id:
        return [lesson.school_class_id]
    return list(lesson.group.classes.values_list("pk", flat=True))


def last_lesson_end(lesson: Lesson) -> time | None:
    """When the last lesson of the lesson's class (any class of its group) ends that day, by the
    default bells; None when the bells do not know that lesson number."""
    classes = _class_ids(lesson)
    last = (
        Lesson.objects.filter(date=lesson.date)
        .filter(Q(school_class_id__in=classes) | Q(group__classes__in=classes))
        .aggregate(last=Max("number"))["last"]
    )
    number = max(last if last is not None else lesson.number, lesson.number)
    schedule = BellSchedule.objects.filter(is_default=True).first()
    if schedule is None:
        return None
    bell = Bell.objects.filter(schedule=schedule, number=number).first()
    return bell.end if bell else None


def homework_due(lesson: Lesson) -> datetime:
    """The entry deadline of homework given at `lesson` (X-02), as an aware UTC datetime."""
    minutes = int(regulation_in_force(lesson.date)["homework_due_minutes_after_last_lesson"])
    zone = school_zone()
    cap = day_end(lesson.date, zone)
    end = last_lesson_end(lesson)
    if end is None:
        return cap.astimezone(UTC)
    due = min(school_datetime(lesson.date, end, zone) + timedelta(minutes=minutes), cap)
    return due.astimezone(UTC)


def _next_lesson(lesson: Lesson) -> Lesson | None:
    unit = (
        Q(school_class_id=lesson.school_class_id)
        if lesson.school_class_id
        else Q(group_id=lesson.group_id)
    )
    return (
        Lesson.objects.filter(unit, subject_id=lesson.subject_id)
        .filter(Q(date__gt=lesson.date) | Q(date=lesson.date, number__gt=lesson.number))
        .order_by("date", "number")
        .first()
    )


def lesson_student_ids(lesson: Lesson) -> set[int]:
    """The students of the lesson's class or group on its date."""
    on = lesson.date
    if lesson.school_class_id:
        memberships = ClassMembership.objects.filter(school_class_id=lesson.school_class_id)
    else:
        memberships = GroupMembership.objects.filter(group_id=lesson.group_id)
    return set(
        memberships.filter(start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("student_id", flat=True)
    )


@dataclass
class FileInput:
    name: str
    data: bytes


@dataclass
class HomeworkInput:
    text: str
    method: str = ""
    pages: str = ""
    exercises: str = ""
    practical: str = ""
    students: Sequence[Student] = ()
    for_lesson: Lesson | None = None
    files: Sequence[FileInput] = field(default_factory=list)


def _errors(lesson: Lesson, data: HomeworkInput, existing_files: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.text.strip():
        errors["text"] = ["Опишите задание."]
    elif len(data.text) > 5000:
        errors["text"] = ["Не длиннее 5000 знаков."]
    if data.method and data.method not in HomeworkMethod.values:
        errors["method"] = ["Нет такого способа выполнения."]
    for name, limit in (("pages", 100), ("exercises", 200), ("practical", 300)):
        if len(getattr(data, name)) > limit:
            errors[name] = [f"Не длиннее {limit} знаков."]
    if data.students:
        outside = {s.pk for s in data.students} - lesson_student_ids(lesson)
        if outside:
            errors["students"] = [
                f"{len(outside)} из выбранных обучающихся не учатся в этом классе или группе."
            ]
    target = data.for_lesson
    if target is not None:
        same_unit = (
            target.school_class_id == lesson.school_class_id
            and target.group_id == lesson.group_id
            and target.subject_id == lesson.subject_id
        )
        if not same_unit:
            errors["for_lesson"] = ["Урок другого класса или предмета."]
        elif (target.date, target.number) <= (lesson.date, lesson.number):
            errors["for_lesson"] = ["Задание — к одному из следующих уроков."]
    if existing_files + len(data.files) > FILES_MAX:
        errors["files"] = [f"Не больше {FILES_MAX} файлов к заданию."]
    for i, upload in enumerate(data.files):
        if not upload.data:
            errors[f"files[{i}]"] = ["Файл пуст."]
        elif len(upload.data) > FILE_MAX_BYTES:
            errors[f"files[{i}]"] = ["Файл больше 10 МБ."]
        elif file_extension(upload.name) not in FILE_EXTENSIONS:
            errors[f"files[{i}]"] = [
                "Прикрепите PDF, DOCX, ODT, PPTX, XLSX, TXT, JPG, PNG или MP3."
            ]
        elif sniff_type(upload.name, upload.data, FILE_EXTENSIONS) is None:
            errors[f"files[{i}]"] = [
                f"Содержимое файла «{upload.name}» — не {file_extension(upload.name)[1:].upper()}."
            ]
    return errors


def _store_files(homework: Homework, files: Sequence[FileInput], stored: list[str]) -> None:
    for upload in files:
        # `_errors` refused files whose content is not what their name says
        stored_file = upload_store(
            folder=f"schools/{connection.schema_name}/homework",
            name=upload.name, data=upload.data, allowed=FILE_EXTENSIONS,
        )  # fmt: skip
        stored.append(stored_file.key)
        HomeworkFile.objects.create(
            homework=homework,
            file_key=stored_file.key,
            file_name=upload.name.strip()[:200] or f"file{file_extension(upload.name)}",
            content_type=stored_file.content_type,
            size=stored_file.size,
            sha256=stored_file.sha256,
        )


def _forget(keys: list[str]) -> None:
    objects_forget(keys, what="homework file")


def homework_save(
    *,
    ctx: AuditContext,
    lesson: Lesson,
    author: Staff | None,
    data: HomeworkInput,
    homework: Homework | None = None,
    now: datetime | None = None,
) -> Homework:
    """Give (or change) homework at a lesson; flagged late after the X-02 deadline. Only the
    lesson's teacher, its substitute or a co-teacher gives it (403 otherwise)."""
    require_lesson_writer(author, lesson)
    if homework is not None and homework.lesson_id != lesson.pk:
        raise ValidationError({"lesson": ["Задание дано на другом уроке."]})
    existing = homework.files.count() if homework is not None else 0
    errors = _errors(lesson, data, existing)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _save(ctx, lesson, author, data, homework, now, stored)
    except Exception:
        _forget(stored)  # the transaction rolled back: leave no object behind
        raise


def _save(ctx, lesson, author, data, homework, now, stored) -> Homework:
    old, was_due = None, None
    if homework is not None:
        old = {"text": homework.text, "pages": homework.pages, "exercises": homework.exercises}
        was_due = homework.for_lesson
    homework = homework or Homework(lesson=lesson, author=author)
    homework.text, homework.method = data.text.strip(), data.method
    homework.pages, homework.exercises = data.pages.strip(), data.exercises.strip()
    homework.practical = data.practical.strip()
    homework.for_lesson = data.for_lesson or _next_lesson(lesson)
    homework.due_at = homework_due(lesson)
    homework.is_late = homework.is_late or now > homework.due_at
    homework.save()
    homework.students.set(list(data.students))
    _store_files(homework, data.files, stored)
    if not lesson.has_journal_data:
        lesson.has_journal_data = True  # a lesson with homework is no longer re-made (TTB-07)
        lesson.save(update_fields=["has_journal_data"])
    # the diary shows homework at the lesson it is due for: only those lessons' classes or
    # groups refresh their cached weeks, not the whole school (`versions.units_changed`)
    school_audit_append(
        ctx=ctx,
        action="homework.save",
        units=lesson_units([lesson, homework.for_lesson, was_due]),
        obj=homework,
        old=old,
        new={
            "lesson": lesson.pk,
            "text": homework.text,
            "pages": homework.pages,
            "exercises": homework.exercises,
            "students": sorted(s.pk for s in data.students),
            "files": [f.name for f in data.files],
            "late": homework.is_late,
        },
    )
    return homework


@transaction.atomic
def homework_delete(*, ctx: AuditContext, actor: Staff | None, homework: Homework) -> None:
    """Remove homework and, once that commits, its files; by those who may give it (403)."""
    require_lesson_writer(actor, homework.lesson)
    keys = list(homework.files.values_list("file_key", flat=True))
    school_audit_append(
        ctx=ctx,
        action="homework.delete",
        units=lesson_units([homework.lesson, homework.for_lesson]),
        obj=homework,
        old={"lesson": homework.lesson_id, "text": homework.text},
    )
    homework.delete()
    transaction.on_commit(lambda: _forget(keys))


# --- recommendations (TTB-09)


@transaction.atomic
def recommendation_add(
    *,
    ctx: AuditContext,
    student: Student,
    author: Staff | None,
    text: str,
    subject: Subject | None = None,
) -> Recommendation:
    """A teacher's recommendation to a student, by one who teaches them or leads their class
    (403 otherwise)."""
    require_student_adviser(author, student)
    if not text.strip():
        raise ValidationError({"text": ["Напишите рекомендацию."]})
    if len(text) > 2000:
        raise ValidationError({"text": ["Не длиннее 2000 знаков."]})
    recommendation = Recommendation.objects.create(
        student=student, author=author, text=text.strip(), subject=subject
    )
    school_audit_append(
        ctx=ctx,
        action="recommendation.add",
        obj=recommendation,
        new={"student": student.pk, "subject": subject.name if subject else None},
    )
    return recommendation
