"""`otmetka people import`: a school's students, staff or classes from CSV/XLSX, with a progress
bar; a dry run unless --commit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from . import django_setup


@click.group()
def people() -> None:
    """People of a school: import and export."""


@people.command("import")
@click.option("--school", "slug", required=True, help="the school's slug")
@click.option(
    "--kind", type=click.Choice(["students", "staff", "classes", "groups"]), required=True
)
@click.option("--commit", is_flag=True, help="write the rows (without it: only check them)")
@click.option("--order-number", default="", help="enrolment order number (students)")
@click.option("--order-date", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), default=None)
@click.option("--date", "date_from", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), default=None)
@click.option("--create-classes", is_flag=True, help="create classes the file names")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(slug, kind, commit, order_number, order_date, date_from, create_classes, file) -> None:
    """Check every row of FILE and report the bad ones; with --commit write all or nothing."""
    django_setup()
    from django.core.exceptions import ValidationError
    from django_tenants.utils import schema_context

    from otmetka.audit.context import AuditContext
    from otmetka.region.models import School
    from tenants.configuration.models import AcademicYear
    from tenants.configuration.services import Order
    from tenants.people import imports

    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise click.ClickException(f"no school {slug!r}")
    console = Console()
    order = Order(order_number, order_date.date() if order_date else date.today())
    with schema_context(school.schema_name), Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=console,
    ) as bar:  # fmt: skip
        task = bar.add_task("Импорт", total=None)
        try:
            report = imports.run_import(
                ctx=AuditContext.cli(),
                kind=kind,
                file_name=file.name,
                data=file.read_bytes(),
                dry_run=not commit,
                year=AcademicYear.objects.filter(is_current=True).first(),
                date_from=date_from.date() if date_from else None,
                order=order if order_number else None,
                create_classes=create_classes,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ValidationError as exc:
            raise click.ClickException(" ".join(exc.messages)) from exc
    for error in report.errors:
        console.print(f"строка {error.line}: " + " ".join(error.messages))
    if report.errors:
        raise click.ClickException(
            f"ошибок в строках: {len(report.errors)} из {report.rows}; ничего не записано"
        )
    if commit:
        console.print(f"Записано: {report.created}")
    else:
        console.print(f"Ошибок нет: строк {report.rows}. Для записи добавьте --commit.")
