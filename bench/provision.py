"""How long creating a school takes: from the template snapshot versus by running migrations,
and whether it grows with the number of schools (ARCHITECTURE.md §9, ADR 0001).

    python bench/provision.py [--schools 200] [--samples 5] [--keep]

Prints the median seconds to create a school each way (the real `school_create` service: row,
host, schema and audit record in one transaction), their ratio, and the time of the 1st and the
Nth school created from the template. Uses its own database (see bench/_setup.py).
"""

from __future__ import annotations

import argparse
import time

from _setup import create_school, drop, log, median, prepare, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=200, help="schools from the template")
    parser.add_argument("--samples", type=int, default=5, help="schools by running migrations")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    server = prepare()

    from otmetka.region import provisioning
    from otmetka.region.models import SchemaSnapshot

    # 1. From the template: the first N schools, every one timed.
    template_times: list[float] = []
    methods = set()
    for n in range(1, args.schools + 1):
        started = time.perf_counter()
        created = create_school(n)
        template_times.append(time.perf_counter() - started)
        methods.add(created.method)
        if n % 20 == 0 or n == 1:
            log(f"from the template: {n}/{args.schools} schools, last {template_times[-1]:.3f} s")
    assert methods == {provisioning.TEMPLATE}, methods

    # 2. By running migrations (no snapshot): the django-tenants way.
    SchemaSnapshot.objects.all().delete()
    migration_times: list[float] = []
    for i in range(args.samples):
        started = time.perf_counter()
        created = create_school(10_000 + i)
        migration_times.append(time.perf_counter() - started)
        assert created.method == provisioning.MIGRATIONS
        log(f"by migrations: {i + 1}/{args.samples}, {migration_times[-1]:.3f} s")
    provisioning.template_migrate()

    first_sample = template_times[: args.samples]
    t_median = median(first_sample)
    m_median = median(migration_times)
    head, tail = template_times[:10], template_times[-10:]
    growth = median(tail) / median(head)
    print()
    print("Creating a school (median seconds; row + host + schema + audit in one transaction)")
    print(
        f"  from the template snapshot ({len(first_sample)} schools): {t_median:.3f} s"
        f"   target: under 0.5 s — {verdict(t_median < 0.5)}"
    )
    print(f"  by running migrations ({len(migration_times)} schools): {m_median:.3f} s")
    print(f"  ratio migrations / template: {m_median / t_median:.1f}x")
    print(f"Growth with the number of schools (from the template, {args.schools} schools)")
    print(
        f"  1st school: {template_times[0]:.3f} s;  {args.schools}th school: "
        f"{template_times[-1]:.3f} s"
    )
    print(
        f"  median of the first 10: {median(head):.3f} s;  of the last 10: {median(tail):.3f} s;"
        f"  ratio {growth:.2f}   target: flat (ratio under 1.5) — {verdict(growth < 1.5)}"
    )
    if not args.keep:
        drop(server)


if __name__ == "__main__":
    main()
