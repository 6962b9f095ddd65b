"""The `otmetka` command: run the product, manage schools and schemas.

otmetka up                      everything, with demo data, until Ctrl-C
otmetka migrate                 all schemas, in parallel, with a progress bar
otmetka demo                    load the demo region (idempotent)
otmetka school create|list|suspend|archive|activate
otmetka people import          students, staff or classes from CSV/XLSX (a dry run unless --commit)
otmetka manage <django command> Django's own commands
"""

from __future__ import annotations

import os
import sys

import click


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Otmetka: the region's electronic class journal and diary."""


def _register() -> None:
    from . import audit, demo, migrate, people, region, schools, up

    main.add_command(region.region)
    main.add_command(region.municipality)
    main.add_command(region.user)
    main.add_command(audit.audit)
    main.add_command(up.up)
    main.add_command(migrate.migrate)
    main.add_command(demo.demo)
    main.add_command(schools.school)
    main.add_command(people.people)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `otmetka manage shell`)."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["otmetka manage", *args])


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
