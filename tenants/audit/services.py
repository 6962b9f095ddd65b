"""Appending to the school's audit log: the one call every school service makes."""

from typing import Any

from django.db import models

from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext

from .models import AuditRecord
from .versions import data_changed


def school_audit_append(
    *,
    ctx: AuditContext,
    action: str,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    record = audit_append(
        AuditRecord, ctx=ctx, action=action, obj=obj, old=old, new=new, reason=reason
    )
    data_changed()
    return record  # type: ignore[return-value]


def school_audit_append_many(*, ctx: AuditContext, entries: list) -> list:
    """Records for a bulk change to the school's chain, in order (one lock, one insert)."""
    from otmetka.audit.chain import audit_append_many

    records = audit_append_many(AuditRecord, ctx=ctx, entries=entries)
    if records:
        data_changed()
    return records
