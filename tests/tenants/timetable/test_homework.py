"""Homework (TTB-08, X-02): the entry deadline after the class's last lesson in the school's own
time zone (UTC+3 and UTC+12), capped at the end of the day; late entries saved and flagged;
individual homework; files in object storage; recommendations (TTB-09)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from tenants.audit.models import AuditRecord
from tenants.configuration import services as configuration
from tenants.timetable import homework as hw
from tenants.timetable import services
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.tenants.people import kit
from tests.tenants.timetable.test_lessons import _school

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 9, 7)


def _bells():
    bells = [
        services.BellInput(n, time(8 + n - 1, 0), time(8 + n - 1, 45)) for n in range(1, 8)
    ]  # lesson n: (7+n):00–(7+n):45
    services.bell_schedule_save(ctx=kit.CTX, name="Основное", bells=bells, is_default=True)


def _monday_with_five_lessons():
    """5А on Mondays: maths at lessons 2 and 5 (the last); the deadline is 12:45 + 90 min."""
    year, teacher, five_a = _school()
    _bells()
    for number in (2, 5):
        services.timetable_entry_save(
            ctx=kit.CTX,
            data=services.EntryInput(
                subject=kit.maths(), teacher=teacher, weekday=1, number=number,
                valid_from=date(2026, 9, 1), valid_to=date(2026, 12, 28), school_class=five_a,
            ),
        )  # fmt: skip
    lessons_make(ctx=kit.CTX, year=year)
    second = Lesson.objects.get(school_class=five_a, date=MONDAY, number=2)
    return teacher, five_a, second


@pytest.mark.parametrize(
    ("school", "utc"),
    [("school_a", datetime(2026, 9, 7, 11, 15, tzinfo=UTC)),  # Moscow 14:15 = UTC+3
     ("school_b", datetime(2026, 9, 7, 2, 15, tzinfo=UTC))],  # Kamchatka 14:15 = UTC+12
)  # fmt: skip
def test_the_deadline_follows_the_last_lesson_in_the_schools_time_zone(school, utc, request):
    tenant = request.getfixturevalue(school)
    with schema_context(tenant.schema_name):
        teacher, _, second = _monday_with_five_lessons()
        # the last lesson (5th) ends at 12:45 local; 90 minutes later is 14:15 local
        assert hw.homework_due(second) == utc
        on_time = hw.homework_save(
            ctx=kit.CTX,
            lesson=second,
            author=teacher,
            data=hw.HomeworkInput(text="№ 12, 14", pages="34–35"),
            now=utc - timedelta(minutes=1),
        )
        assert not on_time.is_late and on_time.due_at == utc
        late = hw.homework_save(
            ctx=kit.CTX,
            lesson=second,
            author=teacher,
            data=hw.HomeworkInput(text="Выучить правило"),
            now=utc + timedelta(minutes=1),
        )
        assert late.is_late  # saved, flagged
        assert late.for_lesson.number == 5  # ready for the next maths lesson
        second.refresh_from_db()
        assert second.has_journal_data


def test_the_deadline_is_capped_at_the_end_of_the_lesson_day(school_b):
    with schema_context(school_b.schema_name):
        _, _, second = _monday_with_five_lessons()
        configuration.regulation_version_create(
            ctx=kit.CTX,
            effective_from=date(2026, 9, 1),
            order=kit.ORDER,
            values={"homework_due_minutes_after_last_lesson": 720},
            today=date(2026, 8, 31),
        )
        # 12:45 + 12 h would be past midnight: the end of the day, Kamchatka time
        assert hw.homework_due(second) == datetime(2026, 9, 7, 11, 59, 59, tzinfo=UTC)


def test_homework_posted_in_advance_and_individual(school_a, s3_storage):
    with schema_context(school_a.schema_name):
        teacher, five_a, second = _monday_with_five_lessons()
        ivanov = kit.enrol(five_a, "Иванов")
        outsider = kit.enrol(kit.school_class(letter="Б"), "Чужой")
        early = hw.homework_save(
            ctx=kit.CTX,
            lesson=second,
            author=teacher,
            data=hw.HomeworkInput(
                text="Доклад",
                method="project",
                students=[ivanov],
                files=[hw.FileInput("план.pdf", b"%PDF-1.4 plan")],
            ),
            now=datetime(2026, 9, 1, 9, 0, tzinfo=UTC),  # a week ahead
        )
        assert not early.is_late and list(early.students.all()) == [ivanov]
        stored = early.files.get()
        assert s3_storage.get(stored.file_key) == b"%PDF-1.4 plan"
        with pytest.raises(ValidationError) as refused:
            hw.homework_save(
                ctx=kit.CTX,
                lesson=second,
                author=teacher,
                data=hw.HomeworkInput(text="x", students=[outsider]),
            )
        assert "students" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            hw.homework_save(
                ctx=kit.CTX,
                lesson=second,
                author=teacher,
                data=hw.HomeworkInput(text="x", files=[hw.FileInput("run.exe", b"MZ")]),
            )
        assert "files[0]" in refused.value.message_dict
        assert AuditRecord.objects.filter(action="homework.save").count() == 1
        hw.homework_delete(ctx=kit.CTX, actor=teacher, homework=early)
        assert AuditRecord.objects.filter(action="homework.delete").exists()


def test_a_recommendation_is_recorded(school_a):
    with schema_context(school_a.schema_name):
        _, teacher, five_a = _school()
        student = kit.enrol(five_a)
        with pytest.raises(ValidationError):
            hw.recommendation_add(ctx=kit.CTX, student=student, author=teacher, text=" ")
        made = hw.recommendation_add(
            ctx=kit.CTX,
            student=student,
            author=teacher,
            text="Повторить дроби",
            subject=kit.maths(),
        )
        assert made.pk and AuditRecord.objects.filter(action="recommendation.add").exists()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("run.pdf", EXE, False),  # a program renamed: the name is not enough
        ("notes.txt", EXE, False),
        ("photo.jpg", b"%PDF-1.4", False),
        ("run.exe", EXE, False),
        ("plan.PDF", b"%PDF-1.4 plan", True),
        ("notes.txt", "Выучить правило".encode(), True),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
    ],
)
def test_a_homework_file_must_be_what_its_name_says(school_a, s3_storage, name, data, accepted):
    with schema_context(school_a.schema_name):
        teacher, _, second = _monday_with_five_lessons()

        def save():
            return hw.homework_save(
                ctx=kit.CTX,
                lesson=second,
                author=teacher,
                data=hw.HomeworkInput(text="x", files=[hw.FileInput(name, data)]),
            )

        if accepted:
            assert save().files.get().file_name == name
            return
        with pytest.raises(ValidationError) as refused:
            save()
        assert "files[0]" in refused.value.message_dict
        assert not AuditRecord.objects.filter(action="homework.save").exists()
    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
    assert listed.get("KeyCount", 0) == 0


def test_homework_and_recommendations_refuse_a_wrong_author_in_the_service(school_a):
    with schema_context(school_a.schema_name):
        # given 5А's maths lesson by Датова, homework on it, and a teacher of another class
        teacher, five_a, second = _monday_with_five_lessons()
        pupil = kit.enrol(five_a, "Иванов")
        stranger = kit.staff("Чужова")
        kit.teach(stranger, kit.school_class(letter="Б"))
        given = hw.homework_save(
            ctx=kit.CTX, lesson=second, author=teacher, data=hw.HomeworkInput(text="№ 1")
        )
        audited = AuditRecord.objects.count()
        # when the stranger (or nobody's staff record) writes, each service refuses
        for who in (stranger, None):
            with pytest.raises(PermissionDenied):
                hw.homework_save(
                    ctx=kit.CTX, lesson=second, author=who, data=hw.HomeworkInput(text="Чужое")
                )
            with pytest.raises(PermissionDenied):
                hw.homework_save(
                    ctx=kit.CTX,
                    lesson=second,
                    author=who,
                    data=hw.HomeworkInput(text="Чужое"),
                    homework=given,
                )
            with pytest.raises(PermissionDenied):
                hw.homework_delete(ctx=kit.CTX, actor=who, homework=given)
            with pytest.raises(PermissionDenied):
                hw.recommendation_add(ctx=kit.CTX, student=pupil, author=who, text="Читать")
        # then nothing was written
        assert AuditRecord.objects.count() == audited
        given.refresh_from_db()
        assert given.text == "№ 1"
