"""The append-only, hash-chained audit log (ARCHITECTURE.md §5).

Each record carries the SHA-256 of its own content and of the record before it, so editing,
deleting or inserting a record breaks the chain at that point; `audit_verify` names the first
record where it breaks. Appends take a transaction-scoped advisory lock on the chain, so
records are chained in commit order even under concurrent writers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection, models, transaction
from django.utils import timezone

from .context import AuditContext, Source

GENESIS = "0" * 64


class AuditRecordBase(models.Model):
    at = models.DateTimeField("время (сервер)", db_index=True)
    actor_id = models.BigIntegerField("пользователь", null=True, blank=True, db_index=True)
    actor_role = models.CharField("роль", max_length=32)
    source = models.CharField("источник", max_length=16, choices=Source.choices)
    action = models.CharField("действие", max_length=64)
    object_type = models.CharField("объект", max_length=64)
    object_id = models.CharField("идентификатор объекта", max_length=64)
    old = models.JSONField("было", null=True, blank=True)
    new = models.JSONField("стало", null=True, blank=True)
    reason = models.TextField("основание", blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


def _content(record: AuditRecordBase) -> bytes:
    payload = {
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "actor_role": record.actor_role,
        "source": record.source,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "old": record.old,
        "new": record.new,
        "reason": record.reason,
        "request_id": record.request_id,
        "prev_hash": record.prev_hash,
    }
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def record_hash(record: AuditRecordBase) -> str:
    return hashlib.sha256(_content(record)).hexdigest()


def _lock_key(model: type[AuditRecordBase]) -> str:
    return f"audit:{connection.schema_name}:{model._meta.db_table}"


@dataclass(frozen=True)
class Entry:
    """One record of a batch for `audit_append_many`: the object changed (or, without one, its
    type and id), its old and new values and the reason."""

    action: str
    obj: models.Model | None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    reason: str = ""
    object_type: str = ""
    object_id: str | int = ""


def audit_append(
    model: type[AuditRecordBase],
    *,
    ctx: AuditContext,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecordBase:
    """Append one record to the chain of `model` in the current schema. Call inside the
    service's transaction: the record commits or rolls back with the change it describes."""
    entry = Entry(action, obj, old, new, reason, object_type, object_id)
    return audit_append_many(model, ctx=ctx, entries=[entry])[0]


def audit_append_many(
    model: type[AuditRecordBase], *, ctx: AuditContext, entries: list[Entry]
) -> list[AuditRecordBase]:
    """Append records in the entries' order (one lock, one read of the last hash, one insert).
    Call inside the service's transaction: they commit or roll back with the change."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change it records")
    if not entries:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_key(model)])
    previous = model.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    now = timezone.now()
    records = []
    for entry in entries:
        obj = entry.obj
        record = model(
            at=now,
            actor_id=ctx.actor_id,
            actor_role=ctx.actor_role,
            source=ctx.source,
            action=entry.action,
            object_type=entry.object_type or (obj._meta.label if obj is not None else ""),
            object_id=str(entry.object_id or (obj.pk if obj is not None else "")),
            old=_jsonable(entry.old),
            new=_jsonable(entry.new),
            reason=entry.reason,
            request_id=ctx.request_id[:64],
            prev_hash=previous,
        )
        record.hash = previous = record_hash(record)
        records.append(record)
    return model.objects.bulk_create(records, batch_size=1000)


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return orjson.loads(orjson.dumps(value, default=str))


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify(model: type[AuditRecordBase], *, batch: int = 2000) -> ChainReport:
    """Recompute the chain of `model` in the current schema; name the first broken record."""
    prev = GENESIS
    checked = 0
    with transaction.atomic():
        for record in model.objects.order_by("id").iterator(chunk_size=batch):
            if record.prev_hash != prev:
                return ChainReport(checked, record.pk, "prev_hash does not match the record before")
            if record_hash(record) != record.hash:
                return ChainReport(checked, record.pk, "content does not match its hash")
            prev = record.hash
            checked += 1
    return ChainReport(checked, None)
