from __future__ import annotations

import time

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import django_setup


def run_migrate(processes: int | None = None, console: Console | None = None) -> bool:
    """Migrate everything; print a progress bar for the school schemas. True when all went."""
    from django.conf import settings

    from otmetka.region.schema_migrate import migrate_all

    console = console or Console(stderr=True)
    started = time.perf_counter()
    processes = processes or settings.MIGRATION_PROCESSES
    with Progress(
        TextColumn("[bold]Миграции школ[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("schools", total=None)

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_progress(schema: str, error: str) -> None:
            progress.advance(task)
            if error:
                progress.console.print(f"[red]{schema}: {error}[/]")

        report = migrate_all(processes=processes, on_start=on_start, on_progress=on_progress)
        if progress.tasks[0].total == 0:
            progress.update(task, total=1, completed=1)
    elapsed = time.perf_counter() - started
    console.print(
        f"Схемы: публичная и шаблон в порядке; школ {report.schools}, "
        f"обновлено {len(report.migrated)}, ошибок {len(report.failed)} ({elapsed:.1f} с)."
    )
    return not report.failed


@click.command()
@click.option("--processes", "-p", type=int, default=None, help="Parallel worker processes.")
def migrate(processes: int | None) -> None:
    """Migrate the public schema, the school template and every school schema."""
    django_setup()
    if not run_migrate(processes):
        raise click.ClickException("some school schemas failed to migrate (see above)")
