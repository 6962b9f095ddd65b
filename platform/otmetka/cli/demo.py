from __future__ import annotations

import click
from rich.console import Console

from . import django_setup


def print_logins(result, console: Console) -> None:
    console.print("[bold]Демо-входы[/] (логин / пароль — роль — где входить):")
    for login in result.logins:
        console.print(
            f"  {login.username} / {login.password} — {login.role} — {login.url}", soft_wrap=True
        )


def load_demo(console: Console):
    from django.conf import settings

    if settings.PRODUCTION:
        raise click.ClickException("demo data is never loaded with OTMETKA_PRODUCTION on")
    from otmetka.demo import demo_load

    result = demo_load()
    console.print(f"Демо-регион готов: школ {len(result.schools)}, новых {result.created}.")
    return result


@click.command()
def demo() -> None:
    """Load the demo region (idempotent) and print its logins."""
    django_setup()
    console = Console()
    print_logins(load_demo(console), console)
