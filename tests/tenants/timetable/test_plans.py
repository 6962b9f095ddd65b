"""Lesson plans (КТП, TTB-06): topics fill lessons in order, delivered lessons keep theirs,
a moved topic is pinned, import names the bad row and writes nothing, copy, planned vs delivered."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from openpyxl import Workbook
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.roles import SchoolRole
from tenants.audit.models import AuditRecord
from tenants.people import services as people
from tenants.timetable import plans
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.tenants.people import kit
from tests.tenants.timetable import timetable_kit as tk
from tests.tenants.timetable.test_lessons import _entry, _school

pytestmark = pytest.mark.django_db


def _plan(year, teacher, cls, topics=(("Дроби", 2), ("Проценты", 3), ("Уравнения", 1))):
    plan = plans.plan_create(
        ctx=kit.CTX,
        caller=tk.ADMIN,
        year=year,
        subject=kit.maths(),
        author=teacher,
        school_class=cls,
    )
    return plans.plan_topics_save(
        ctx=kit.CTX,
        caller=tk.ADMIN,
        plan=plan,
        topics=[plans.TopicInput(title=t, hours=h) for t, h in topics],
    )


def _titles(cls):
    return [
        lesson.plan_topic.title if lesson.plan_topic_id else None
        for lesson in Lesson.objects.filter(school_class=cls)
        .select_related("plan_topic")
        .order_by("date", "number")[:7]
    ]


def test_topics_fill_lessons_in_order_and_follow_a_remake(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 1)
        lessons_make(ctx=kit.CTX, year=year)
        plan = _plan(year, teacher, five_a)
        expected = ["Дроби", "Дроби", "Проценты", "Проценты", "Проценты", "Уравнения", None]
        assert _titles(five_a) == expected
        # a second weekly lesson: the lessons are re-made and the topics follow them
        _entry(teacher, five_a, 3)
        lessons_make(ctx=kit.CTX, year=year)
        assert _titles(five_a) == expected
        first_two = Lesson.objects.filter(school_class=five_a).order_by("date")[:2]
        assert [d.date for d in first_two] == [date(2026, 9, 2), date(2026, 9, 7)]
        assert AuditRecord.objects.filter(action="plan.save", object_id=str(plan.pk)).exists()


def test_a_delivered_lesson_keeps_its_topic_and_a_moved_topic_is_pinned(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 1)
        lessons_make(ctx=kit.CTX, year=year)
        plan = _plan(year, teacher, five_a)
        lessons = list(Lesson.objects.filter(school_class=five_a).order_by("date"))
        Lesson.objects.filter(pk=lessons[0].pk).update(has_journal_data=True)
        # a new first topic: the delivered lesson keeps «Дроби», the rest move along
        topics = [plans.TopicInput(title="Повторение", hours=1)] + [
            plans.TopicInput(title=t.title, hours=t.hours, id=t.pk)
            for t in plan.topics.order_by("position")
        ]
        plans.plan_topics_save(ctx=kit.CTX, caller=tk.ADMIN, plan=plan, topics=topics)
        assert _titles(five_a)[:4] == ["Дроби", "Повторение", "Дроби", "Проценты"]
        # a delivered topic cannot be removed
        with pytest.raises(ValidationError) as refused:
            plans.plan_topics_save(ctx=kit.CTX, caller=tk.ADMIN, plan=plan, topics=topics[:1])
        assert "Дроби" in str(refused.value)
        # «Уравнения» moved by hand to the 3rd lesson: pinned there; the rest fill around it
        equations = plan.topics.get(title="Уравнения")
        plans.lesson_topic_move(
            ctx=kit.CTX, caller=tk.ADMIN, plan=plan, lesson=lessons[2], topic=equations
        )
        assert _titles(five_a)[:7] == [
            "Дроби", "Повторение", "Уравнения", "Дроби", "Проценты", "Проценты", "Проценты",
        ]  # fmt: skip
        with pytest.raises(ValidationError):  # the delivered lesson's topic is the journal's
            plans.lesson_topic_move(
                ctx=kit.CTX,
                caller=tk.ADMIN,
                plan=plan,
                lesson=Lesson.objects.get(pk=lessons[0].pk),
                topic=equations,
            )


def test_planned_versus_delivered(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 1, valid_to=date(2026, 9, 30))  # four Mondays in September
        lessons_make(ctx=kit.CTX, year=year)
        plan = _plan(year, teacher, five_a)  # 6 hours planned, 4 lessons
        lessons = list(Lesson.objects.filter(school_class=five_a).order_by("date"))
        Lesson.objects.filter(pk=lessons[0].pk).update(has_journal_data=True)
        progress = plans.plan_progress(plan, on=date(2026, 9, 15))
        assert progress.planned_hours == 6 and progress.lessons_in_year == 4
        assert progress.lessons_due == 2 and progress.delivered == 1 and progress.behind == 1
        assert progress.uncovered_hours == 2 and progress.shortfall
        by_title = {row.topic.title: row for row in progress.topics}
        assert by_title["Проценты"].scheduled == 2 and by_title["Уравнения"].scheduled == 0


def _xlsx(rows) -> bytes:
    import io

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_with_a_bad_row_names_it_and_writes_nothing(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        plan = _plan(year, teacher, five_a)
        bad = _xlsx(
            [["№", "Раздел", "Тема", "Часов"], [1, "Числа", "Натуральные", 2], [2, "", "", "x"]]
        )
        with pytest.raises(ValidationError) as refused:
            plans.plan_import(
                ctx=kit.CTX, caller=tk.ADMIN, plan=plan, file_name="ktp.xlsx", data=bad
            )
        assert "Строка 3" in str(refused.value) and "«x»" in str(refused.value)
        assert list(plan.topics.values_list("title", flat=True)) == [
            "Дроби", "Проценты", "Уравнения",
        ]  # fmt: skip
        good = "Раздел;Тема;Часов\nЧисла;Натуральные числа;2\nЧисла;Делимость;3,0\n"
        plans.plan_import(
            ctx=kit.CTX, caller=tk.ADMIN, plan=plan, file_name="ktp.csv", data=good.encode("cp1251")
        )
        assert list(plan.topics.values_list("section", "title", "hours")) == [
            ("Числа", "Натуральные числа", 2), ("Числа", "Делимость", 3),
        ]  # fmt: skip
        with pytest.raises(ValidationError):
            plans.plan_import(
                ctx=kit.CTX, caller=tk.ADMIN, plan=plan, file_name="k.csv", data=b"a;b\n1;2\n"
            )


def test_copy_from_a_colleague_and_one_plan_per_unit(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        five_b = kit.school_class(letter="Б")
        colleague = kit.staff("Коллегова")
        kit.teach(colleague, five_b)
        source = _plan(year, teacher, five_a)
        target = plans.plan_create(
            ctx=kit.CTX,
            caller=tk.ADMIN,
            year=year,
            subject=kit.maths(),
            author=colleague,
            school_class=five_b,
        )
        assert source in plans.copy_sources(target)
        plans.plan_copy(ctx=kit.CTX, caller=tk.ADMIN, plan=target, source=source)
        assert target.topics.count() == 3
        with pytest.raises(ValidationError):
            plans.plan_create(
                ctx=kit.CTX,
                caller=tk.ADMIN,
                year=year,
                subject=kit.maths(),
                author=colleague,
                school_class=five_b,
            )
        with pytest.raises(ValidationError):
            plans.plan_copy(ctx=kit.CTX, caller=tk.ADMIN, plan=target, source=target)


def test_plans_fill_runs_a_fixed_number_of_queries(school_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        classes = [five_a] + [kit.school_class(letter=x) for x in "БВГ"]
        for day, cls in enumerate(classes, start=1):
            if cls is not five_a:
                kit.teach(teacher, cls)
            _entry(teacher, cls, day)
        lessons_make(ctx=kit.CTX, year=year)
        made = [_plan(year, teacher, cls) for cls in classes]
        Lesson.objects.update(plan_topic=None)
        with django_assert_max_num_queries(4):
            changed = plans.plans_fill(made)
        assert changed == 4 * 6


def test_copy_from_last_years_plan(school_a):
    with schema_context(school_a.schema_name):
        year, teacher, five_a = _school()
        last_year = kit.year(name="2025/2026", start=date(2025, 9, 1), end=date(2026, 8, 31))
        old_five = kit.school_class(letter="А", y=last_year)
        old = _plan(last_year, teacher, old_five, topics=(("Прошлогодняя тема", 4),))
        plan = plans.plan_create(
            ctx=kit.CTX,
            caller=tk.ADMIN,
            year=year,
            subject=kit.maths(),
            author=teacher,
            school_class=five_a,
        )
        assert old in plans.copy_sources(plan)
        plans.plan_copy(ctx=kit.CTX, caller=tk.ADMIN, plan=plan, source=old)
        assert list(plan.topics.values_list("title", "hours")) == [("Прошлогодняя тема", 4)]
        assert AuditRecord.objects.filter(action="plan.copy", object_id=str(plan.pk)).exists()


def test_every_plan_write_refuses_a_caller_who_does_not_teach_the_unit(school_a):
    with schema_context(school_a.schema_name):
        # given 5А's plan by its maths teacher, and a teacher of 5Б and 5В only
        year, teacher, five_a = _school()
        _entry(teacher, five_a, 1)
        lessons_make(ctx=kit.CTX, year=year)
        owner, owner_user = kit.teacher_account(school_a, last_name="Планова")
        kit.teach(owner, five_a)
        stranger, stranger_user = kit.teacher_account(school_a, last_name="Чужова")
        five_b, five_v = kit.school_class(letter="Б"), kit.school_class(letter="В")
        kit.teach(stranger, five_b)
        kit.teach(stranger, five_v)
        mine = tk.caller(SchoolRole.SUBJECT_TEACHER, owner_user)
        theirs = tk.caller(SchoolRole.SUBJECT_TEACHER, stranger_user)
        plan = plans.plan_create(
            ctx=kit.CTX, caller=mine, year=year, subject=kit.maths(), school_class=five_a
        )
        assert plan.author == owner  # the caller is the author
        plans.plan_topics_save(
            ctx=kit.CTX, caller=mine, plan=plan, topics=[plans.TopicInput("Дроби", 2)]
        )
        topic = plan.topics.get()
        lesson = Lesson.objects.filter(school_class=five_a).order_by("date")[3]
        source = _plan(year, stranger, five_b)
        writes = {
            "create": lambda who: plans.plan_create(
                ctx=kit.CTX, caller=who, year=year, subject=kit.maths(), school_class=five_a
            ),
            "topics": lambda who: plans.plan_topics_save(
                ctx=kit.CTX, caller=who, plan=plan, topics=[plans.TopicInput("Чужая", 1)]
            ),
            "copy": lambda who: plans.plan_copy(ctx=kit.CTX, caller=who, plan=plan, source=source),
            "import": lambda who: plans.plan_import(
                ctx=kit.CTX, caller=who, plan=plan, file_name="k.csv", data="Тема\nЧужая\n".encode()
            ),
            "move": lambda who: plans.lesson_topic_move(
                ctx=kit.CTX, caller=who, plan=plan, lesson=lesson, topic=topic
            ),
        }  # fmt: skip
        audited = AuditRecord.objects.count()
        # when the teacher of 5Б, or a class teacher (no journal:write), calls each service
        for name, write in writes.items():
            for who in (theirs, tk.caller(SchoolRole.CLASS_TEACHER)):
                # then each refuses and writes nothing
                with pytest.raises(PermissionDenied):
                    write(who)
                assert AuditRecord.objects.count() == audited, name
        assert list(plan.topics.values_list("title", flat=True)) == ["Дроби"]
        lesson.refresh_from_db()
        assert not lesson.topic_pinned
        # a topic of another plan is refused by the move itself
        with pytest.raises(ValidationError) as foreign:
            plans.lesson_topic_move(
                ctx=kit.CTX, caller=mine, plan=plan, lesson=lesson, topic=source.topics.first()
            )
        assert "topic" in foreign.value.message_dict
        # only the administration names another author than itself
        with pytest.raises(PermissionDenied):
            plans.plan_create(
                ctx=kit.CTX, caller=theirs, year=year, subject=kit.maths(), school_class=five_v,
                author=owner,
            )  # fmt: skip
        by_admin = plans.plan_create(
            ctx=kit.CTX, caller=tk.ADMIN, year=year, subject=kit.maths(), school_class=five_v,
            author=stranger,
        )  # fmt: skip
        assert by_admin.author == stranger


def test_a_group_plan_copies_from_plans_of_its_grade(school_a):
    with schema_context(school_a.schema_name):
        # given maths plans of 5Б and 7А, and a group drawn from 5А
        year, teacher, five_a = _school()
        same_grade = _plan(year, teacher, kit.school_class(letter="Б"))
        other_grade = _plan(year, teacher, kit.school_class(grade=7))
        group = people.group_create(
            ctx=kit.CTX, year=year, kind="optional", name="5А мат. 1", classes=[five_a]
        )
        plan = plans.plan_create(
            ctx=kit.CTX, caller=tk.ADMIN, year=year, subject=kit.maths(), group=group,
            author=teacher,
        )  # fmt: skip
        # when the group plan lists plans to copy from
        sources = plans.copy_sources(plan)
        # then 5Б's is offered and 7А's is not
        assert same_grade in sources and other_grade not in sources
