"""The journal's speed (issue 6): reading a class's grid, a bulk save with its audit records, and
checking the audit chain.

    python bench/journal.py [--students 35] [--lessons 80] [--marks 400] [--audit 1000000] [--keep]

Builds one school with a class of `--students` students, `--lessons` lessons of one subject in
one period, and `--marks` marks on them; then measures
- the grid read through the real API (`GET /api/v1/journal/grid/`, median of 30 calls), against
  a baseline of the bare SELECTs of the same rows;
- a bulk save of 1,000 marks with their audit records through the real service, against a
  baseline of inserting 1,000 mark rows;
- `audit verify` over `--audit` audit records (written straight into the chain's table, hashes
  computed the product's way), in records per second, against reading the same rows.
Targets here: grid under 60 ms median; 1,000 marks under 1.5 s.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from _setup import create_school, drop, log, median, prepare, verdict

NAMES = "Алексеев Борисов Васильев Григорьев Дмитриев Егоров Жуков Зайцев Ильин Козлов".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=35)
    parser.add_argument("--lessons", type=int, default=80)
    parser.add_argument("--marks", type=int, default=400)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    server = prepare()

    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from otmetka.accounts.models import SchoolMembership, User
    from otmetka.accounts.roles import SchoolRole
    from otmetka.audit.chain import GENESIS, audit_verify, record_hash
    from otmetka.audit.context import AuditContext
    from tenants.audit.models import AuditRecord
    from tenants.configuration import services as configuration
    from tenants.configuration.models import Period, WorkType
    from tenants.journal import services
    from tenants.journal.models import Mark, Task
    from tenants.people.models import ClassMembership, SchoolClass, Staff, Student, Teaching
    from tenants.timetable.models import Lesson

    ctx = AuditContext.cli()
    school = create_school(1).school
    user = User.objects.create_user(username="bench-teacher", password="bench-password-1")
    SchoolMembership.objects.create(user=user, school=school, roles=[SchoolRole.SUBJECT_TEACHER])
    with schema_context(school.schema_name):
        start = date(2026, 9, 1)
        year = configuration.academic_year_create(
            ctx=ctx, name="2026/2027", start=start, end=date(2027, 8, 31),
            order=configuration.Order("1", date(2026, 8, 28)), make_current=True,
        )  # fmt: skip
        period_end = start + timedelta(days=args.lessons + 10)
        configuration.period_structure_save(
            ctx=ctx, year=year, name="Полугодия", grade_from=1, grade_to=11,
            periods=[
                configuration.PeriodInput("half_year", "1 полугодие", start, period_end),
                configuration.PeriodInput("half_year", "2 полугодие",
                                          period_end + timedelta(days=1), date(2027, 5, 26)),
            ],
        )  # fmt: skip
        period = Period.objects.filter(structure__year=year).order_by("start").first()
        maths = configuration.subjects_add_from_catalogue(ctx=ctx, codes=["mathematics"])[0]
        teacher = Staff.objects.create(
            last_name="Учителева", first_name="Анна", positions=["teacher"],
            contract_start=date(2020, 9, 1), user_id=user.pk,
        )  # fmt: skip
        cls = SchoolClass.objects.create(year=year, grade=7, letter="А")
        Teaching.objects.create(staff=teacher, subject=maths, school_class=cls, start=start)
        students = Student.objects.bulk_create(
            Student(last_name=NAMES[i % 10], first_name=f"Имя{chr(1072 + i % 30)}",
                    birth_date=date(2013, 1, 1))
            for i in range(args.students)
        )  # fmt: skip
        ClassMembership.objects.bulk_create(
            ClassMembership(student=s, school_class=cls, start=start) for s in students
        )
        lessons = Lesson.objects.bulk_create(
            Lesson(date=start + timedelta(days=i), number=1 + i % 6, school_class=cls,
                   subject=maths, teacher=teacher)
            for i in range(args.lessons)
        )  # fmt: skip
        oral = WorkType.objects.get(code="oral")
        tasks = Task.objects.bulk_create(
            Task(lesson=lesson, work_type=oral, created_by=teacher) for lesson in lessons
        )
        marks = [  # a different student for each pass over the lessons: no cell twice
            services.MarkChange(
                tasks[i % len(tasks)].pk,
                students[(i * 7 + i // len(tasks)) % len(students)].pk,
                str(2 + i % 4),
            )
            for i in range(args.marks)
        ]
        marks = list({(m.task, m.student): m for m in marks}.values())
        services.journal_save(ctx=ctx, author=teacher, marks=marks)
        log(f"{len(students)} students, {len(lessons)} lessons, {len(marks)} marks")

    # --- the grid through the API
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    client.force_login(user)
    url = f"/api/v1/journal/grid/?class={cls.pk}&subject={maths.pk}&period={period.pk}"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    grid_ms = median(times) * 1000
    with schema_context(school.schema_name):
        base = []
        for _ in range(30):
            started = time.perf_counter()
            list(Mark.objects.filter(task__lesson__school_class=cls).values_list())
            list(Lesson.objects.filter(school_class=cls).values_list())
            list(Student.objects.filter(pk__in=[s.pk for s in students]).values_list())
            base.append(time.perf_counter() - started)
        base_ms = median(base) * 1000

    # --- a bulk save of 1,000 marks with their audit records
    with schema_context(school.schema_name):
        extra = Task.objects.bulk_create(
            Task(lesson=lessons[i % len(lessons)], work_type=oral, created_by=teacher)
            for i in range(40)
        )
        batch = [services.MarkChange(t.pk, s.pk, "4") for t in extra for s in students[:25]][:1000]
        started = time.perf_counter()
        saved = services.journal_save(ctx=ctx, author=teacher, marks=batch)
        save_s = time.perf_counter() - started
        assert saved.saved == len(batch)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE mark_copy (LIKE journal_mark INCLUDING DEFAULTS)")
            rows = [(m.task, m.student, m.value) for m in batch]
            started = time.perf_counter()
            cursor.executemany(
                "INSERT INTO mark_copy (id, task_id, student_id, value, comment, entered_at,"
                " entered_by_id, is_late, version) VALUES (nextval('journal_mark_id_seq'), %s, %s,"
                f" %s, '', now(), {teacher.pk}, false, 1)",
                rows,
            )
            insert_s = time.perf_counter() - started

    # --- audit verify over many records
    with schema_context(school.schema_name):
        have = AuditRecord.objects.count()
        wanted = max(args.audit - have, 0)
        log(f"writing {wanted} audit records to the chain (hashes the product's way)")
        last = AuditRecord.objects.order_by("-id").first()
        previous = last.hash if last else GENESIS
        now = last.at if last else None
        chunk = []
        for i in range(wanted):
            record = AuditRecord(
                at=now, actor_id=user.pk, actor_role="subject_teacher", source="api",
                action="journal.mark_add", object_type="journal.Mark", object_id=str(i),
                old=None, new={"value": str(2 + i % 4), "student": i % 35}, reason="",
                request_id="", prev_hash=previous,
            )  # fmt: skip
            record.hash = previous = record_hash(record)
            chunk.append(record)
            if len(chunk) == 20_000:
                AuditRecord.objects.bulk_create(chunk)
                chunk = []
        AuditRecord.objects.bulk_create(chunk)
        total = AuditRecord.objects.count()
        started = time.perf_counter()
        report = audit_verify(AuditRecord)
        verify_s = time.perf_counter() - started
        assert report.ok, report
        started = time.perf_counter()
        read = sum(1 for _ in AuditRecord.objects.order_by("id").iterator(chunk_size=2000))
        read_s = time.perf_counter() - started

    print()
    print(f"Journal of a class of {len(students)} students, {len(lessons)} lessons, "
          f"{len(marks)} marks")  # fmt: skip
    print(f"  grid read through the API (median of 30)         {grid_ms:7.1f} ms")
    print(f"  baseline: the bare SELECTs of the same rows        {base_ms:7.1f} ms   "
          f"ratio {grid_ms / base_ms:4.1f}x")  # fmt: skip
    print(f"  bulk save of {len(batch)} marks with their audit records {save_s:7.3f} s")
    print(f"  baseline: inserting {len(batch)} mark rows              {insert_s:7.3f} s   "
          f"ratio {save_s / insert_s:4.1f}x")  # fmt: skip
    print(f"  audit verify: {total} records in {verify_s:.1f} s = "
          f"{total / verify_s:,.0f} records/s")  # fmt: skip
    print(f"  baseline: reading the same records              {read_s:7.1f} s "
          f"({read / read_s:,.0f} records/s)  ratio {verify_s / read_s:4.1f}x")  # fmt: skip
    print(f"  targets: grid under 60 ms — {verdict(grid_ms < 60)}; "
          f"1,000 marks under 1.5 s — {verdict(save_s < 1.5)}")  # fmt: skip
    if not args.keep:
        drop(server)


if __name__ == "__main__":
    main()
