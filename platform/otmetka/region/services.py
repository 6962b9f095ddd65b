"""Writes to the region: schools and their hosts. Each service validates, writes and appends
the region audit record in one transaction; cache invalidation runs after commit."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext
from otmetka.audit.models import RegionAuditRecord

from . import provisioning
from .choices import SchoolStatus
from .models import Domain, Municipality, Region, RegionTemplate, School
from .routing import region_route_invalidate, routes_invalidate, school_host


@dataclass(frozen=True)
class AdminSpec:
    """The school's first school admin."""

    username: str
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    email: str = ""


@dataclass(frozen=True)
class SchoolCreated:
    school: School
    admin: User | None
    admin_password: str  # shown once; empty when an existing user was made admin
    method: str  # "template" or "migrations"


def generate_password(length: int = 14) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _school_snapshot(school: School) -> dict:
    return {
        "slug": school.slug,
        "schema_name": school.schema_name,
        "full_name": school.full_name,
        "short_name": school.short_name,
        "inn": school.inn,
        "address": school.address,
        "time_zone": school.time_zone,
        "municipality_id": school.municipality_id,
        "status": school.status,
    }


def schema_name_for(slug: str) -> str:
    return "school_" + slug.replace("-", "_")


@transaction.atomic
def school_create(
    *,
    ctx: AuditContext,
    slug: str,
    full_name: str,
    short_name: str,
    inn: str,
    time_zone: str,
    municipality: Municipality,
    address: str = "",
    admin: AdminSpec | None = None,
) -> SchoolCreated:
    """Create a school: its row, host, schema (from the template) and first school admin."""
    slug = slug.strip().lower()
    school = School(
        slug=slug,
        schema_name=schema_name_for(slug),
        full_name=full_name.strip(),
        short_name=short_name.strip(),
        inn=inn.strip(),
        address=address.strip(),
        time_zone=time_zone.strip(),
        municipality=municipality,
        status=SchoolStatus.ACTIVE,
        activated_at=timezone.now(),
    )
    school.full_clean()
    admin_user, password = (None, "")
    if admin is not None:
        admin_user, password = _admin_prepare(admin)
    school.save()
    host = school_host(slug)
    Domain.objects.create(domain=host, tenant=school, is_primary=True)
    method = provisioning.school_schema_create(school.schema_name)
    template = template_published()
    if template is not None:
        _template_apply_to_new_school(school, template)
    if admin_user is not None:
        SchoolMembership.objects.create(
            user=admin_user, school=school, roles=[SchoolRole.SCHOOL_ADMIN]
        )
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="school.create",
        obj=school,
        new={
            **_school_snapshot(school),
            "admin_user_id": getattr(admin_user, "pk", None),
            "method": method,
        },
    )
    transaction.on_commit(lambda: routes_invalidate([host]))
    return SchoolCreated(school=school, admin=admin_user, admin_password=password, method=method)


def _template_apply_to_new_school(school: School, template: RegionTemplate) -> None:
    """A new school starts with the region's latest published template (N-22)."""
    from django_tenants.utils import schema_context

    from tenants.configuration.regional_template import template_apply

    with schema_context(school.schema_name):
        template_apply(
            ctx=AuditContext.system("school.create"),
            version=template.version,
            content=template.content,
        )


def _admin_prepare(spec: AdminSpec) -> tuple[User, str]:
    username = spec.username.strip().lower()
    if not username:
        raise ValidationError({"admin_username": "Укажите логин администратора школы."})
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, ""
    password = generate_password()
    user = User(
        username=username,
        last_name=spec.last_name.strip(),
        first_name=spec.first_name.strip(),
        middle_name=spec.middle_name.strip(),
        email=spec.email.strip(),
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError({f"admin_{k}": v for k, v in exc.message_dict.items()}) from exc
    user.set_password(password)
    user.save()
    return user, password


_TRANSITIONS = {
    SchoolStatus.SUSPENDED: {SchoolStatus.ACTIVE},
    SchoolStatus.ARCHIVED: {SchoolStatus.ACTIVE, SchoolStatus.SUSPENDED},
    SchoolStatus.ACTIVE: {SchoolStatus.SUSPENDED, SchoolStatus.ARCHIVED},
}
_ACTIONS = {
    SchoolStatus.SUSPENDED: "school.suspend",
    SchoolStatus.ARCHIVED: "school.archive",
    SchoolStatus.ACTIVE: "school.activate",
}


@transaction.atomic
def school_status_set(*, ctx: AuditContext, school: School, status: str, reason: str) -> School:
    """Suspend, archive or reactivate a school; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Укажите основание (например, номер и дату приказа)."})
    school = School.objects.select_for_update().get(pk=school.pk)
    if status not in _TRANSITIONS:
        raise ValidationError({"status": f"Неизвестное состояние «{status}»."})
    if school.status not in _TRANSITIONS[status]:
        raise ValidationError(
            {
                "status": (
                    f"Нельзя перевести школу из состояния «{school.get_status_display()}» "
                    f"в «{SchoolStatus(status).label}»."
                )
            }
        )
    old = {"status": school.status}
    school.status = status
    school.status_reason = reason
    school.status_changed_at = timezone.now()
    if status == SchoolStatus.ACTIVE and school.activated_at is None:
        school.activated_at = school.status_changed_at
    school.save(update_fields=["status", "status_reason", "status_changed_at", "activated_at"])
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action=_ACTIONS[status],
        obj=school,
        old=old,
        new={"status": status},
        reason=reason,
    )
    hosts = list(Domain.objects.filter(tenant=school).values_list("domain", flat=True))
    transaction.on_commit(lambda: routes_invalidate(hosts))
    return school


def school_suspend(*, ctx: AuditContext, school: School, reason: str) -> School:
    return school_status_set(ctx=ctx, school=school, status=SchoolStatus.SUSPENDED, reason=reason)


def school_archive(*, ctx: AuditContext, school: School, reason: str) -> School:
    return school_status_set(ctx=ctx, school=school, status=SchoolStatus.ARCHIVED, reason=reason)


def school_activate(*, ctx: AuditContext, school: School, reason: str) -> School:
    return school_status_set(ctx=ctx, school=school, status=SchoolStatus.ACTIVE, reason=reason)


@transaction.atomic
def region_set(*, ctx: AuditContext, name: str, code: str, default_time_zone: str) -> Region:
    """Create or update the deployment's region (one row)."""
    region = Region.objects.select_for_update().filter(pk=1).first()
    old = None
    if region is None:
        region = Region(pk=1)
    else:
        old = {
            "name": region.name,
            "code": region.code,
            "default_time_zone": region.default_time_zone,
        }
    region.name, region.code = name.strip(), code.strip()
    region.default_time_zone = default_time_zone.strip()
    region.full_clean()
    region.save()
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="region.set",
        obj=region,
        old=old,
        new={
            "name": region.name,
            "code": region.code,
            "default_time_zone": region.default_time_zone,
        },
    )
    transaction.on_commit(region_route_invalidate)
    return region


@transaction.atomic
def municipality_create(
    *, ctx: AuditContext, name: str, code: str, time_zone: str = ""
) -> Municipality:
    region = Region.objects.filter(pk=1).first()
    if region is None:
        raise ValidationError({"region": "Сначала задайте регион (otmetka region set)."})
    municipality = Municipality(
        region=region, name=name.strip(), code=code.strip(), time_zone=time_zone.strip()
    )
    municipality.full_clean()
    municipality.save()
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="municipality.create",
        obj=municipality,
        new={
            "name": municipality.name,
            "code": municipality.code,
            "time_zone": municipality.time_zone,
        },
    )
    return municipality


# --- the region's configuration template (N-22) -------------------------------------------------


def template_published() -> RegionTemplate | None:
    return RegionTemplate.objects.filter(is_published=True).order_by("-version").first()


@transaction.atomic
def template_draft_save(*, ctx: AuditContext, content: dict, note: str = "") -> RegionTemplate:
    """Create the draft (the next version) or replace its content; the content is validated."""
    from tenants.configuration.regional_template import content_clean

    cleaned = content_clean(content)
    draft = RegionTemplate.objects.select_for_update().filter(is_published=False).first()
    old = None
    if draft is None:
        last = RegionTemplate.objects.order_by("-version").values_list("version", flat=True)
        draft = RegionTemplate(version=(last.first() or 0) + 1)
    else:
        old = {"content": draft.content, "note": draft.note}
    draft.content, draft.note = cleaned, note.strip()
    draft.save()
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="region_template.draft_save",
        obj=draft,
        old=old,
        new={"version": draft.version, "content": cleaned, "note": draft.note},
    )
    return draft


@transaction.atomic
def template_publish(*, ctx: AuditContext, template: RegionTemplate) -> RegionTemplate:
    template = RegionTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_published:
        raise ValidationError({"version": "Эта версия уже опубликована."})
    template.is_published, template.published_at = True, timezone.now()
    template.save(update_fields=["is_published", "published_at"])
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="region_template.publish",
        obj=template,
        new={"version": template.version},
    )
    return template
