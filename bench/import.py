"""How long importing a school's students takes, and how much memory (INT-02, issue 4).

    python bench/import.py [--students 2000] [--guardians 3000] [--keep]

Generates an XLSX in the import template (students of classes 1–11, one or two guardians each,
siblings sharing parents), then runs the real import (`tenants.people.imports.run_import`) into
a fresh school: first a dry run (reading and checking every row), then the real run (checking
and writing in one transaction). Prints seconds and the process's peak memory, with reading the
file alone as the baseline measured in the same run. Target: under 30 s and 500 MB.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import time
from datetime import date, timedelta

from _setup import create_school, drop, log, prepare, verdict


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def make_xlsx(students: int, guardians: int) -> bytes:
    from openpyxl import Workbook

    from tenants.people.demo import FIRST_F, FIRST_M, LAST, MIDDLE_M
    from tenants.people.imports import TEMPLATES

    rng = random.Random(41)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([title for _, title, _ in TEMPLATES["students"]])
    second = guardians - students  # students with a second guardian
    seen = set()
    for i in range(students):
        grade = 1 + i % 11
        last, first, middle = rng.choice(LAST), rng.choice(FIRST_M), rng.choice(MIDDLE_M)
        day = rng.randrange(365)
        while (last, first, middle, grade, day) in seen:  # one person per row
            day = (day + 1) % 365
        seen.add((last, first, middle, grade, day))
        birth = date(2019 - grade, 1, 1) + timedelta(days=day)
        row = [f"{grade}{'АБВ'[i % 3]}", last, first, middle, birth.strftime("%d.%m.%Y")]
        row += ["очная", "нет", "", ""]
        row += [last + "а", rng.choice(FIRST_F), "Ивановна", "мать", f"+7914{i:07d}", ""]
        if i < second:
            row += [last, rng.choice(FIRST_M), "Петрович", "отец", f"+7924{i:07d}", ""]
        else:
            row += [""] * 6
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--guardians", type=int, default=3000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    server = prepare()
    from django_tenants.utils import schema_context

    from otmetka.audit.context import AuditContext
    from tenants.configuration import services as configuration
    from tenants.people import imports
    from tenants.people.models import Guardian, Student

    school = create_school(1).school
    data = make_xlsx(args.students, args.guardians)
    log(
        f"generated an XLSX of {len(data) / 1024:.0f} KiB: {args.students} students, "
        f"{args.guardians} guardians"
    )
    ctx = AuditContext.cli()
    before = peak_mb()
    with schema_context(school.schema_name):
        year = configuration.academic_year_create(
            ctx=ctx,
            name="2026/2027",
            start=date(2026, 9, 1),
            end=date(2027, 8, 31),
            order=configuration.Order("1", date(2026, 8, 28)),
            make_current=True,
        )
        order = configuration.Order("101-у", date(2026, 8, 31))
        started = time.perf_counter()
        rows = imports.to_sheet("students", imports.read_rows("s.xlsx", data)).rows
        read_s = time.perf_counter() - started
        log(f"reading alone: {read_s:.2f} s for {len(rows)} rows")

        def run(dry: bool):
            started = time.perf_counter()
            report = imports.run_import(
                ctx=ctx,
                kind="students",
                file_name="s.xlsx",
                data=data,
                dry_run=dry,
                year=year,
                date_from=date(2026, 9, 1),
                order=order,
                create_classes=True,
            )
            return report, time.perf_counter() - started

        dry, dry_s = run(True)
        assert dry.ok, dry.as_dict()["errors"][:3]
        log(f"dry run: {dry_s:.2f} s")
        real, real_s = run(False)
        assert real.ok
        counts = (Student.objects.count(), Guardian.objects.count())
    peak = peak_mb()
    print()
    print(f"Import of {args.students} students with {args.guardians} guardians from XLSX")
    print(f"  reading the file alone (baseline)   {read_s:7.2f} s")
    print(f"  dry run (read + check every row)    {dry_s:7.2f} s   {dry_s / read_s:5.1f}x baseline")
    print(
        f"  real run (read + check + write)     {real_s:7.2f} s   {real_s / read_s:5.1f}x baseline"
    )
    print(f"  written: {counts[0]} students, {counts[1]} guardians, created {real.created}")
    print(
        f"  peak memory of the process          {peak:7.0f} MB  (before the import {before:.0f} MB)"
    )
    print(f"  target under 30 s: {verdict(real_s < 30)}; under 500 MB: {verdict(peak < 500)}")
    if not args.keep:
        drop(server)


if __name__ == "__main__":
    main()
