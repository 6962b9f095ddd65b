"""Who is acting: the context every service receives and writes into the audit record."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Source(models.TextChoices):
    PAGE = "page", "Страница"
    API = "api", "API"
    IMPORT = "import", "Импорт"
    TASK = "task", "Фоновая задача"
    CLI = "cli", "Командная строка"
    SYSTEM = "system", "Система"


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None
    actor_role: str
    source: str
    request_id: str = ""

    @classmethod
    def cli(cls) -> AuditContext:
        return cls(actor_id=None, actor_role="platform_operator", source=Source.CLI)

    @classmethod
    def system(cls, what: str = "") -> AuditContext:
        return cls(actor_id=None, actor_role="system", source=Source.SYSTEM, request_id=what)

    @classmethod
    def task(cls, task_name: str) -> AuditContext:
        return cls(actor_id=None, actor_role="system", source=Source.TASK, request_id=task_name)

    @classmethod
    def from_request(cls, request, *, role: str, source: str | None = None) -> AuditContext:
        user = getattr(request, "user", None)
        actor_id = user.pk if user is not None and user.is_authenticated else None
        if source is None:
            source = Source.API if request.path.startswith("/api/") else Source.PAGE
        return cls(
            actor_id=actor_id,
            actor_role=role,
            source=source,
            request_id=getattr(request, "request_id", ""),
        )
