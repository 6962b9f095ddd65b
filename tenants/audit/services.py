"""Appending to the school's audit log: the one call every school service makes."""

from typing import Any

from django.db import models

from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext

from .models import AuditRecord
from .versions import data_changed, units_changed


def _changed(units) -> None:
    if units is None:
        data_changed()
    else:
        units_changed(units)


def school_audit_append(
    *,
    ctx: AuditContext,
    action: str,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    units=None,
) -> AuditRecord:
    """`units`: only for writes that change nothing but what lessons of these classes ("c", id)
    and groups ("g", id) show (see `versions.units_changed`); by default the whole school's
    data version changes."""
    record = audit_append(
        AuditRecord, ctx=ctx, action=action, obj=obj, old=old, new=new, reason=reason
    )
    _changed(units)
    return record  # type: ignore[return-value]


def school_audit_append_many(*, ctx: AuditContext, entries: list, units=None) -> list:
    """Records for a bulk change to the school's chain, in order (one lock, one insert)."""
    from otmetka.audit.chain import audit_append_many

    records = audit_append_many(AuditRecord, ctx=ctx, entries=entries)
    if records:
        _changed(units)
    return records
