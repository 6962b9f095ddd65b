"""Setting up a region from nothing: the region, its municipalities, its officers."""

from __future__ import annotations

import click

from otmetka.accounts.roles import RegionRole

from . import django_setup


def _run(service, **kwargs):
    from django.core.exceptions import ValidationError

    from otmetka.audit.context import AuditContext

    try:
        return service(ctx=AuditContext.cli(), **kwargs)
    except ValidationError as exc:
        messages = (
            [f"  {k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
            if hasattr(exc, "error_dict")
            else [f"  {m}" for m in exc.messages]
        )
        raise click.ClickException("refused:\n" + "\n".join(messages)) from exc


@click.group()
def region() -> None:
    """The deployment's region."""


@region.command("set")
@click.option("--name", required=True)
@click.option("--code", required=True, help="Code of the subject of the RF, e.g. 41.")
@click.option("--time-zone", required=True, help="IANA zone, e.g. Asia/Kamchatka.")
def region_set(name: str, code: str, time_zone: str) -> None:
    """Create or update the region."""
    django_setup()
    from otmetka.region.services import region_set as service

    result = _run(service, name=name, code=code, default_time_zone=time_zone)
    click.echo(f"region: {result.name} ({result.code}), {result.default_time_zone}")


@click.group()
def municipality() -> None:
    """The region's municipalities."""


@municipality.command("add")
@click.option("--name", required=True)
@click.option("--code", required=True, help="OKTMO code.")
@click.option("--time-zone", default="", help="IANA zone when it differs from the region's.")
def municipality_add(name: str, code: str, time_zone: str) -> None:
    django_setup()
    from otmetka.region.services import municipality_create

    result = _run(municipality_create, name=name, code=code, time_zone=time_zone)
    click.echo(f"municipality {result.code}: {result.name}")


@municipality.command("list")
def municipality_list() -> None:
    django_setup()
    from otmetka.region.models import Municipality

    for m in Municipality.objects.order_by("name"):
        click.echo(f"{m.code}\t{m.time_zone or '-'}\t{m.name}")


@click.group()
def user() -> None:
    """Region accounts: ministry, municipal, support and operator staff."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(RegionRole.values))
@click.option("--last-name", default="")
@click.option("--first-name", default="")
@click.option("--email", default="")
@click.option(
    "--municipality", "municipality_code", default="", help="OKTMO code (municipality officers)."
)
def user_create(username, role, last_name, first_name, email, municipality_code) -> None:
    """Create a region account; prints a one-time password."""
    django_setup()
    from otmetka.accounts.services import region_user_create
    from otmetka.region.models import Municipality

    municipality_obj = None
    if municipality_code:
        municipality_obj = Municipality.objects.filter(code=municipality_code).first()
        if municipality_obj is None:
            raise click.ClickException(f"no municipality with code {municipality_code!r}")
    account, password = _run(
        region_user_create,
        username=username,
        role=role,
        last_name=last_name,
        first_name=first_name,
        email=email,
        municipality=municipality_obj,
    )
    click.echo(f"created {account.username} ({role}); one-time password: {password}")
