from __future__ import annotations

import click

from . import django_setup


@click.group()
def audit() -> None:
    """The hash-chained audit logs."""


@audit.command("verify")
@click.option("--school", "slug", default="", help="Only this school (default: region + all).")
def verify(slug: str) -> None:
    """Recompute the audit chains; name the first broken record. Exit 1 if one is broken."""
    django_setup()
    from django_tenants.utils import schema_context

    from otmetka.audit.chain import audit_verify
    from otmetka.audit.models import RegionAuditRecord
    from otmetka.region.models import School
    from tenants.audit.models import AuditRecord

    broken = 0
    if not slug:
        report = audit_verify(RegionAuditRecord)
        broken += _print("region", report)
    schools = School.objects.order_by("slug")
    if slug:
        schools = schools.filter(slug=slug)
        if not schools.exists():
            raise click.ClickException(f"no school with address {slug!r}")
    for school in schools:
        with schema_context(school.schema_name):
            broken += _print(school.slug, audit_verify(AuditRecord))
    if broken:
        raise SystemExit(1)


def _print(name: str, report) -> int:
    if report.ok:
        click.echo(f"{name}: ok ({report.checked} records)")
        return 0
    click.echo(
        f"{name}: BROKEN at record {report.first_broken_id} ({report.problem}); "
        f"{report.checked} records verified before it",
        err=True,
    )
    return 1
