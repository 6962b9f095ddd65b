"""Homework files in the diary: a guardian or student downloads a file of a homework their
child's week shows (DIA-02: homework with its files), and nothing else.

The rule is the week's: the homework is due at a lesson of a class or group the child belonged to
on that lesson's date, and an individual homework only to the students it names. A file of any
other homework, of another school or that does not exist answers the same "not found".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django_tenants.utils import schema_context

from services.storage import get_storage
from tenants.people.models import ClassMembership, GroupMembership
from tenants.timetable.models import HomeworkFile

from .family import Child


@dataclass(frozen=True)
class FileToSend:
    name: str
    content_type: str
    data: bytes


def _member(model, unit_field: str, unit_id: int | None, student_id: int, on) -> bool:
    if unit_id is None:
        return False
    return (
        model.objects.filter(student_id=student_id, start__lte=on, **{unit_field: unit_id})
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .exists()
    )


def homework_file_for(child: Child, file_id: int) -> FileToSend | None:
    """The file if the child's diary shows its homework; None otherwise."""
    with schema_context(child.school.schema):
        row = (
            HomeworkFile.objects.filter(pk=file_id)
            .select_related("homework__lesson", "homework__for_lesson")
            .first()
        )
        if row is None:
            return None
        homework = row.homework
        lesson = homework.for_lesson or homework.lesson
        student, on = child.student_id, lesson.date
        if not (
            _member(ClassMembership, "school_class_id", lesson.school_class_id, student, on)
            or _member(GroupMembership, "group_id", lesson.group_id, student, on)
        ):
            return None
        named = set(homework.students.values_list("pk", flat=True))
        if named and student not in named:
            return None
        data = get_storage().get(row.file_key)
    return FileToSend(row.file_name, row.content_type, data)
