"""Credentials for people of a school (PPL-12…14, PDN-08): usernames, one-time activation codes,
and activation, where the person sets a password and accepts the no-sharing rule."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ActivationCode, User, UserStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
CODE_DAYS = 14
ACTIVATION_ATTEMPTS = 5  # wrong codes per username per 15 minutes

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
         "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"],
        strict=True,
    )
)  # fmt: skip


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def username_for(last_name: str, first_name: str, middle_name: str = "") -> str:
    """ivanov.ip, then ivanov.ip2, ivanov.ip3… — unique among all users of the region."""
    base = re.sub(r"[^a-z0-9]", "", translit(last_name))[:20] or "user"
    initials = "".join(translit(p)[:1] for p in (first_name, middle_name) if p)
    stem = f"{base}.{initials}" if initials else base
    taken = set(User.objects.filter(username__startswith=stem).values_list("username", flat=True))
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().upper().encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def activation_code_issue(
    *, user: User, school_id: int | None, issued_by: int | None, now: datetime | None = None
) -> tuple[str, datetime]:
    """A new code for the user (older open codes are voided); returns it and its expiry."""
    now = now or timezone.now()
    ActivationCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    code = new_code()
    expires = now + timedelta(days=CODE_DAYS)
    ActivationCode.objects.create(
        user=user,
        code_hash=_hash(code),
        school_id=school_id,
        issued_by=issued_by,
        expires_at=expires,
    )
    return code, expires


def _attempts_key(username: str) -> str:
    return f"activate:{hashlib.sha256(username.lower().encode()).hexdigest()[:32]}"


@transaction.atomic
def account_activate(
    *, username: str, code: str, password: str, accept_rules: bool, now: datetime | None = None
) -> User:
    """Set the password with a valid code; the person accepts the no-sharing rule (PDN-08)."""
    from django.core.cache import caches

    cache = caches["global"]
    now = now or timezone.now()
    key = _attempts_key(username.strip())
    if (cache.get(key) or 0) >= ACTIVATION_ATTEMPTS:
        raise ValidationError({"code": "Слишком много попыток. Повторите через 15 минут."})
    user = User.objects.filter(username=username.strip().lower()).first()
    found = (
        ActivationCode.objects.select_for_update()
        .filter(user=user, code_hash=_hash(code), used_at__isnull=True, voided_at__isnull=True)
        .first()
        if user is not None
        else None
    )
    # a blocked account (reported compromised) is unblocked by a new code from the school;
    # a deactivated one (a leaver) never is
    if found is None or found.expires_at <= now or user.status == UserStatus.DEACTIVATED:
        cache.set(key, (cache.get(key) or 0) + 1, 15 * 60)
        raise ValidationError(
            {"code": "Логин или код не подходят, или код устарел. Попросите новый в школе."}
        )
    errors: dict[str, list[str]] = {}
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if not accept_rules:
        errors["accept_rules"] = ["Подтвердите, что не будете передавать логин и пароль."]
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.rules_accepted_at = now
    user.status = UserStatus.ACTIVE
    user.save(update_fields=["password", "rules_accepted_at", "status"])
    found.used_at = now
    found.save(update_fields=["used_at"])
    cache.delete(key)
    from otmetka.audit.chain import audit_append
    from otmetka.audit.context import AuditContext, Source
    from otmetka.audit.models import RegionAuditRecord

    audit_append(
        RegionAuditRecord,
        ctx=AuditContext(actor_id=user.pk, actor_role="self", source=Source.PAGE),
        action="user.activate",
        obj=user,
        new={"rules_accepted_at": now, "school_id": found.school_id},
    )
    return user


def _self_ctx(user: User):
    from otmetka.audit.context import AuditContext, Source

    return AuditContext(actor_id=user.pk, actor_role="self", source=Source.PAGE)


@transaction.atomic
def rules_accept(*, user: User, now: datetime | None = None) -> User:
    from otmetka.audit.chain import audit_append
    from otmetka.audit.models import RegionAuditRecord

    now = now or timezone.now()
    user.rules_accepted_at = now
    user.save(update_fields=["rules_accepted_at"])
    audit_append(
        RegionAuditRecord,
        ctx=_self_ctx(user),
        action="user.rules_accept",
        obj=user,
        new={"rules_accepted_at": now},
    )
    return user


@transaction.atomic
def credentials_compromised(*, user: User, note: str = "", now: datetime | None = None):
    """Block the account at once and record the time T (AUD-05): the director of each of the
    person's schools and the support service see the incident; operations after T can then be
    listed from the audit logs (AUD-06)."""
    from otmetka.audit.chain import audit_append
    from otmetka.audit.models import RegionAuditRecord

    from .models import CredentialIncident, SchoolMembership

    now = now or timezone.now()
    user.status = UserStatus.BLOCKED
    user.save(update_fields=["status"])
    ActivationCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    incident = CredentialIncident.objects.create(
        user=user,
        reported_at=now,
        note=note.strip(),
        school_ids=list(
            SchoolMembership.objects.filter(user=user).values_list("school_id", flat=True)
        ),
    )
    audit_append(
        RegionAuditRecord,
        ctx=_self_ctx(user),
        action="user.credentials_compromised",
        obj=user,
        new={"reported_at": now, "incident": incident.pk},
    )
    return incident
