"""Signing in: password check with per-account lockout and per-address rate limit (N-17),
and API tokens."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

from . import memberships
from .models import ApiToken, User
from .roles import RegionRole

logger = logging.getLogger("otmetka.accounts")


class LoginRefused(Exception):
    """Wrong credentials, or a blocked account: one message, no hint which."""

    message = "Неверный логин или пароль."


@dataclass
class LoginLocked(Exception):
    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, (self.retry_after + 59) // 60)
        return (
            "Слишком много неудачных попыток входа. "
            f"Вход временно заблокирован, повторите через {minutes} мин."
        )


def _cache():
    return caches["global"]


def _account_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login:acct:{digest}"


def _address_key(address: str) -> str:
    return f"login:addr:{address}:{int(timezone.now().timestamp() // 60)}"


def _lock_remaining(username: str) -> int:
    until = _cache().get(_account_key(username) + ":until")
    if until is None:
        return 0
    return max(0, int(until - timezone.now().timestamp()))


def login_check(*, username: str, password: str, address: str) -> User:
    """Return the user for these credentials, or raise LoginLocked / LoginRefused."""
    cache = _cache()
    address_key = _address_key(address or "unknown")
    attempts = cache.get_or_set(address_key, 0, 120)
    if attempts >= settings.LOGIN_RATE_PER_ADDRESS:
        raise LoginLocked(retry_after=60)
    cache.incr(address_key)

    remaining = _lock_remaining(username)
    if remaining:
        raise LoginLocked(retry_after=remaining)

    user = authenticate(username=(username or "").strip().lower(), password=password or "")
    if user is None:
        _failure(username)
        raise LoginRefused()
    cache.delete(_account_key(username))
    return user


def _failure(username: str) -> None:
    cache = _cache()
    key = _account_key(username)
    window = settings.LOGIN_LOCKOUT_SECONDS
    failures = cache.get_or_set(key, 0, window)
    failures = cache.incr(key)
    if failures >= settings.LOGIN_MAX_FAILURES:
        until = timezone.now().timestamp() + window
        cache.set(key + ":until", until, window)
        cache.delete(key)
        logger.warning("login locked after repeated failures", extra={"account": key[-12:]})


def login_unlock(*, username: str) -> None:
    _cache().delete_many([_account_key(username), _account_key(username) + ":until"])


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token; the key is returned once and only its hash is stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_token_hash(key),
        prefix=key[:8],
        name=name[:100],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, key


@functools.cache
def _token_sql() -> tuple[str, list[str]]:
    user_columns = [f.column for f in User._meta.concrete_fields]
    sql = (  # noqa: S608 - table and column names from the models, values as parameters
        "SELECT t.id, t.last_used_at, {memberships}, {users} FROM {tokens} t JOIN {user_table} u "
        "ON u.id = t.user_id WHERE t.key_hash = %s AND t.revoked_at IS NULL "
        "AND t.expires_at > %s"
    ).format(
        users=", ".join(f'u."{c}"' for c in user_columns),
        memberships=memberships.AS_JSON_COLUMN,
        tokens=ApiToken._meta.db_table,
        user_table=User._meta.db_table,
    )
    return sql, [f.attname for f in User._meta.concrete_fields]


def api_token_user(key: str) -> User | None:
    """The account of a valid token. Runs on every API request, so it is one plain statement
    (the ORM would spend more CPU composing it than the database spends answering it), which
    also reads the account's active memberships for the request (`memberships`)."""
    sql, user_fields = _token_sql()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [_token_hash(key), now])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used_at, school_memberships, *values = row
    user = User.from_db(connection.alias, user_fields, values)
    if not user.is_active:
        return None
    memberships.memberships_keep(user.pk, school_memberships)
    if last_used_at is None or now - last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def api_token_revoke(*, user: User, key: str) -> bool:
    return bool(
        ApiToken.objects.filter(
            user=user, key_hash=_token_hash(key), revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def api_tokens_expire() -> int:
    """Delete tokens expired or revoked more than a day ago (beat task)."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    deleted_revoked, _ = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + deleted_revoked


@transaction.atomic
def region_user_create(
    *,
    ctx,
    username: str,
    role: str,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    email: str = "",
    municipality=None,
) -> tuple[User, str]:
    """Create a ministry, municipal, support or operator account; return it with a one-time
    password (shown once)."""
    from django.core.exceptions import ValidationError

    from otmetka.audit.chain import audit_append
    from otmetka.audit.models import RegionAuditRecord
    from otmetka.region.services import generate_password

    if role not in RegionRole.values:
        raise ValidationError({"role": f"Неизвестная роль «{role}»."})
    if role == RegionRole.MUNICIPALITY_OFFICER and municipality is None:
        raise ValidationError({"municipality": "Укажите муниципалитет специалиста."})
    user = User(
        username=username.strip().lower(),
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        middle_name=middle_name.strip(),
        email=email.strip(),
        region_roles=[role],
        municipality=municipality,
        is_staff=role == RegionRole.PLATFORM_OPERATOR,
    )
    user.full_clean(exclude=["password"])
    password = generate_password()
    user.set_password(password)
    user.save()
    audit_append(
        RegionAuditRecord,
        ctx=ctx,
        action="user.create",
        obj=user,
        new={
            "username": user.username,
            "region_roles": user.region_roles,
            "municipality_id": user.municipality_id,
        },
    )
    return user, password
