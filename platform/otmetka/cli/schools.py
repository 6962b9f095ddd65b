from __future__ import annotations

import click

from . import django_setup


def _school(slug: str):
    from otmetka.region.models import School

    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise click.ClickException(f"no school with address {slug!r}")
    return school


def _fail_validation(exc) -> None:
    lines = (
        [f"  {field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
        if hasattr(exc, "error_dict")
        else [f"  {m}" for m in exc.messages]
    )
    raise click.ClickException("the school was not created:\n" + "\n".join(lines))


@click.group()
def school() -> None:
    """Create and manage schools (tenants)."""


@school.command("create")
@click.option("--slug", required=True, help="Host prefix: <slug>.<base domain>.")
@click.option("--short-name", required=True)
@click.option("--full-name", required=True)
@click.option("--inn", required=True, help="10-digit INN of the school.")
@click.option("--municipality", "municipality_code", required=True, help="OKTMO code.")
@click.option("--time-zone", default="", help="IANA zone; default: municipality's or region's.")
@click.option("--address", default="")
@click.option("--admin-username", required=True, help="Login of the first school admin.")
@click.option("--admin-last-name", default="")
@click.option("--admin-first-name", default="")
@click.option("--admin-email", default="")
def create(
    slug,
    short_name,
    full_name,
    inn,
    municipality_code,
    time_zone,
    address,
    admin_username,
    admin_last_name,
    admin_first_name,
    admin_email,
) -> None:
    """Create a school from the template schema, with its first school admin."""
    django_setup()
    from django.core.exceptions import ValidationError

    from otmetka.audit.context import AuditContext
    from otmetka.region import services
    from otmetka.region.models import Municipality
    from otmetka.region.routing import school_url

    municipality = (
        Municipality.objects.select_related("region").filter(code=municipality_code).first()
    )
    if municipality is None:
        raise click.ClickException(f"no municipality with code {municipality_code!r}")
    try:
        created = services.school_create(
            ctx=AuditContext.cli(),
            slug=slug,
            short_name=short_name,
            full_name=full_name,
            inn=inn,
            address=address,
            time_zone=time_zone or municipality.time_zone or municipality.region.default_time_zone,
            municipality=municipality,
            admin=services.AdminSpec(
                username=admin_username,
                last_name=admin_last_name,
                first_name=admin_first_name,
                email=admin_email,
            ),
        )
    except ValidationError as exc:
        _fail_validation(exc)
        return
    if created.method != "template":
        click.echo(
            "note: the template schema was missing; the school was created by running "
            "migrations. Run `otmetka migrate` to restore the template.",
            err=True,
        )
    click.echo(f"created {created.school.short_name}: {school_url(created.school.slug)}")
    if created.admin_password:
        click.echo(
            f"school admin: {created.admin.username}  one-time password: {created.admin_password}"
        )
    elif created.admin is not None:
        click.echo(f"school admin: {created.admin.username} (existing account, password kept)")


@school.command("list")
def list_() -> None:
    """List the region's schools."""
    django_setup()
    from otmetka.region.models import School
    from otmetka.region.routing import school_url

    for s in School.objects.select_related("municipality").order_by("slug"):
        click.echo(f"{s.slug}\t{s.status}\t{s.inn}\t{s.short_name}\t{school_url(s.slug)}")


def _status_command(name: str, service_name: str, help_text: str):
    @school.command(name, help=help_text)
    @click.argument("slug")
    @click.option("--reason", required=True, help="Ground, e.g. the order's number and date.")
    def command(slug: str, reason: str) -> None:
        django_setup()
        from django.core.exceptions import ValidationError

        from otmetka.audit.context import AuditContext
        from otmetka.region import services

        try:
            school = getattr(services, service_name)(
                ctx=AuditContext.cli(), school=_school(slug), reason=reason
            )
        except ValidationError as exc:
            _fail_validation(exc)
            return
        click.echo(f"{school.slug}: {school.status}")

    return command


_status_command("suspend", "school_suspend", "Suspend a school: it answers 'suspended'.")
_status_command("archive", "school_archive", "Archive a school: read-only from now on.")
_status_command("activate", "school_activate", "Return a suspended or archived school to work.")
