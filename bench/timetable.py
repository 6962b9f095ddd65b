"""How long making a year of lessons takes for a school of about 1,000 students, and applying
one timetable change (issue 5).

    python bench/timetable.py [--classes 40] [--teachers 60] [--per-day 6] [--keep]

Builds a school with quarters and holidays, `--classes` classes and `--teachers` teachers, and a
full weekly timetable (classes × 5 days × `--per-day` lessons, no clashes) and a lesson plan
per class. Times the real `lessons_make` for the whole year (which also puts the plans' topics on
the lessons), then the real `timetable_entry_save` moving one lesson to
another slot (which re-makes that entry's lessons). The baseline measured in the same run is
writing the same number of rows with one bulk insert. Targets: under 20 s and under 1 s.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from _setup import create_school, drop, log, prepare, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--teachers", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=6)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    server = prepare()

    from django.db import connection
    from django_tenants.utils import schema_context

    from otmetka.audit.context import AuditContext
    from tenants.configuration import services as configuration
    from tenants.configuration.demo import HOLIDAYS, QUARTERS
    from tenants.people.models import SchoolClass, Staff, Teaching
    from tenants.timetable import services
    from tenants.timetable.lessons import lessons_make
    from tenants.timetable.models import Lesson, TimetableEntry

    ctx = AuditContext.cli()
    school = create_school(1).school
    with schema_context(school.schema_name):
        year = configuration.academic_year_create(
            ctx=ctx, name="2026/2027", start=date(2026, 9, 1), end=date(2027, 8, 31),
            order=configuration.Order("1", date(2026, 8, 28)), make_current=True,
        )  # fmt: skip
        for h in HOLIDAYS:
            configuration.holiday_create(
                ctx=ctx, year=year, kind=h["kind"], name=h["name"],
                start=date.fromisoformat(h["start"]), end=date.fromisoformat(h["end"]),
            )  # fmt: skip
        configuration.period_structure_save(
            ctx=ctx, year=year, name="Четверти", grade_from=1, grade_to=11,
            periods=[
                configuration.PeriodInput(
                    p["kind"], p["name"],
                    date.fromisoformat(p["start"]), date.fromisoformat(p["end"]),
                )
                for p in QUARTERS
            ],
        )  # fmt: skip
        maths = configuration.subjects_add_from_catalogue(ctx=ctx, codes=["mathematics"])[0]
        teachers = Staff.objects.bulk_create(
            Staff(last_name=f"Учитель{i}", first_name="Анна", positions=["teacher"],
                  contract_start=date(2020, 9, 1))
            for i in range(args.teachers)
        )  # fmt: skip
        letters = "АБВГД"
        classes = SchoolClass.objects.bulk_create(
            SchoolClass(year=year, grade=1 + i % 11, letter=letters[i // 11])
            for i in range(args.classes)
        )
        entries = []
        for c, cls in enumerate(classes):
            for day in range(1, 6):
                for number in range(1, args.per_day + 1):
                    slot = (day - 1) * args.per_day + number
                    entries.append(
                        TimetableEntry(
                            school_class=cls, subject=maths,
                            teacher=teachers[(c + slot) % args.teachers], weekday=day,
                            number=number, valid_from=year.start, valid_to=date(2027, 5, 26),
                        )
                    )  # fmt: skip
        TimetableEntry.objects.bulk_create(entries)
        Teaching.objects.bulk_create(
            {(e.teacher_id, e.school_class_id): Teaching(staff_id=e.teacher_id, subject=maths,
             school_class_id=e.school_class_id, start=year.start) for e in entries}.values()
        )  # fmt: skip
        # a КТП of 30 topics for every class: making lessons also puts the topics on them
        from tenants.timetable.models import LessonPlan, PlanTopic

        plans = LessonPlan.objects.bulk_create(
            LessonPlan(year=year, school_class=cls, subject=maths, author=teachers[0])
            for cls in classes
        )
        PlanTopic.objects.bulk_create(
            PlanTopic(plan=plan, position=i, title=f"Тема {i}", hours=6)
            for plan in plans
            for i in range(1, 31)
        )
        log(f"{len(classes)} classes, {len(teachers)} teachers, {len(entries)} timetable entries,"
            f" {len(plans)} lesson plans")  # fmt: skip

        started = time.perf_counter()
        result = lessons_make(ctx=ctx, year=year)
        make_s = time.perf_counter() - started
        rows = list(Lesson.objects.values_list(
            "date", "number", "school_class_id", "subject_id", "teacher_id"
        ))  # fmt: skip
        log(f"made {result.created} lessons in {make_s:.2f} s")

        # baseline: the same rows written by one bulk insert, in a scratch table of the same shape
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE lesson_copy"
                " (LIKE timetable_lesson INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO lesson_copy (date, number, school_class_id, subject_id, teacher_id,"
                " has_journal_data, substitution_reason, substituted_at_entry, topic_pinned)"
                " VALUES (%s, %s, %s, %s, %s, false, '', false, false)",
                rows,
            )
        base_s = time.perf_counter() - started

        # one change: move one lesson of one class to a free slot (lesson 7 on Monday)
        entry = TimetableEntry.objects.select_related("school_class", "teacher").first()
        started = time.perf_counter()
        moved = services.timetable_entry_save(
            ctx=ctx,
            data=services.EntryInput(
                subject=maths, teacher=entry.teacher, weekday=1, number=args.per_day + 1,
                valid_from=entry.valid_from, valid_to=entry.valid_to,
                school_class=entry.school_class,
            ),
            entry=entry,
            today=year.start,
        )  # fmt: skip
        change_s = time.perf_counter() - started
        assert moved.conflicts == []

    print()
    print(f"Lessons by date for {args.classes} classes, {args.teachers} teachers "
          f"({len(entries)} timetable entries)")  # fmt: skip
    print(f"  making a year of lessons ({result.created} lessons)   {make_s:7.2f} s")
    print(f"  baseline: inserting the same rows, no logic      {base_s:7.2f} s   "
          f"ratio {make_s / base_s:4.1f}x")  # fmt: skip
    print(f"  applying one timetable change (re-make its lessons) {change_s:5.3f} s")
    print(f"  targets: year under 20 s — {verdict(make_s < 20)}; change under 1 s — "
          f"{verdict(change_s < 1)}")  # fmt: skip
    if not args.keep:
        drop(server)


if __name__ == "__main__":
    main()
