"""Appending to the school's audit log: the one call every school service makes."""

from typing import Any

from django.db import models

from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext

from .models import AuditRecord


def school_audit_append(
    *,
    ctx: AuditContext,
    action: str,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    return audit_append(
        AuditRecord, ctx=ctx, action=action, obj=obj, old=old, new=new, reason=reason
    )  # type: ignore[return-value]


def school_audit_append_many(*, ctx: AuditContext, entries: list) -> list:
    """Records for a bulk change to the school's chain, in order (one lock, one insert)."""
    from otmetka.audit.chain import audit_append_many

    return audit_append_many(AuditRecord, ctx=ctx, entries=entries)
