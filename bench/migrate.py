"""How long `otmetka migrate` takes over many school schemas: with nothing to do, and with one
new additive migration (ARCHITECTURE.md §9).

    python bench/migrate.py [--schools 100] [--keep]

Creates the schools from the template, then times `otmetka migrate` (in-process, and as the
command an operator runs, start-up included) with no pending migration; then adds a small
school app with one migration (in a temporary folder, through a settings module that extends
the project's) and times the run that applies it to the template and every school, checks that
all schemas have it, and times a no-op run again. Uses its own database (bench/_setup.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _setup import ROOT, create_school, drop, log, prepare, verdict

EXTRA_APP = {
    "benchextra/__init__.py": "",
    "benchextra/apps.py": """
        from django.apps import AppConfig


        class BenchExtraConfig(AppConfig):
            name = "benchextra"
            label = "benchextra"
    """,
    "benchextra/models.py": """
        from django.db import models


        class Note(models.Model):
            text = models.CharField(max_length=100)
    """,
    "benchextra/migrations/__init__.py": "",
    "benchextra/migrations/0001_create_note.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(
                    name="Note",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("text", models.CharField(max_length=100)),
                    ],
                ),
            ]
    """,
    "bench_settings.py": """
        from otmetka.settings import *  # noqa: F403

        TENANT_APPS = [*TENANT_APPS, "benchextra"]  # noqa: F405
        INSTALLED_APPS = [*INSTALLED_APPS, "benchextra"]  # noqa: F405
    """,
}


def _otmetka_migrate(env_extra: dict[str, str] | None = None) -> float:
    env = {**os.environ, **(env_extra or {})}
    env["PYTHONPATH"] = os.pathsep.join(
        [
            *(env_extra or {}).get("PYTHONPATH", "").split(os.pathsep),
            str(ROOT / "platform"),
            str(ROOT),
        ]
    ).strip(os.pathsep)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "from otmetka.cli import main; main()", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"otmetka migrate failed:\n{result.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    server = prepare()

    from otmetka.region import provisioning
    from otmetka.region.models import School
    from otmetka.region.schema_migrate import migrate_all

    for n in range(1, args.schools + 1):
        create_school(n)
        if n % 25 == 0:
            log(f"created {n}/{args.schools} schools from the template")

    log("no-op migrate, in-process")
    started = time.perf_counter()
    report = migrate_all(processes=2)
    in_process = time.perf_counter() - started
    assert report.schools == args.schools and not report.migrated and not report.failed
    log("no-op migrate, as the `otmetka migrate` command")
    as_command = _otmetka_migrate()

    with tempfile.TemporaryDirectory(prefix="otmetka-bench-") as folder:
        for name, text in EXTRA_APP.items():
            path = Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip())
        extra = {"PYTHONPATH": folder, "DJANGO_SETTINGS_MODULE": "bench_settings"}
        log("one new additive migration: `otmetka migrate` applies it everywhere")
        additive = _otmetka_migrate(extra)
        schemas = [
            provisioning.template_schema(),
            *School.objects.values_list("schema_name", flat=True),
        ]
        applied = provisioning.applied_migrations(schemas)
        have_it = sum(("benchextra", "0001_create_note") in v for v in applied.values())
        log("no-op again, with the new app")
        after = _otmetka_migrate(extra)

    print()
    print(f"`otmetka migrate` over {args.schools} school schemas (2 cores, 2 processes)")
    print(f"  no pending migration, in-process: {in_process:.2f} s")
    print(
        f"  no pending migration, as the command (start-up included): {as_command:.2f} s"
        f"   target: under 10 s — {verdict(as_command < 10)}"
    )
    print(
        f"  one new additive migration (template + {args.schools} schools): {additive:.2f} s"
        f"  ({additive / (args.schools + 1):.3f} s per schema)"
    )
    print(f"  schemas that have it afterwards: {have_it} of {len(schemas)}")
    print(f"  no pending migration again: {after:.2f} s")
    if have_it != len(schemas):
        raise SystemExit("the additive migration did not reach every schema")
    if not args.keep:
        drop(server)


if __name__ == "__main__":
    main()
