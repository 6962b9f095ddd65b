"""Subscriptions, queueing and sending of the diary's notifications (DIA-06, N-16, INT-05).

Who receives what: a guardian receives about a child only while the diary's own rule holds for
that channel (`tenants.diary.family`: the link not ended, the child studying, the guardian's
consent registered, not withdrawn, and naming the channel — `email` for e-mails, `sms` for SMS),
and only what they subscribed to themselves. The rule is checked when a notice is queued and
again when it is sent (a consent withdrawn overnight stops a held SMS).

When: the digest at 20:00 in the account's time zone (daily, or weekly on the chosen weekday);
SMS at once, except in quiet hours (22:00–07:00 in the school's zone), when they wait until
07:00; e-mails about period and year marks at once.

Every function that depends on the clock takes `now`, so the rules are tested without freezing
time. Logs carry outbox ids, kinds, counts and schemas, never names, addresses or marks.
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from otmetka.accounts.models import SchoolMembership, User, UserStatus
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.chain import audit_append
from otmetka.audit.context import AuditContext
from otmetka.audit.models import RegionAuditRecord
from otmetka.region.models import Region, School
from services.notify import Message

from .choices import Channel, Digest, Kind, Status
from .models import Notification, Subscription, TransportSettings
from .transport import transport_for
from .validators import PHONE_MESSAGE, gateway_url_problems, phone_normalise, phone_valid

log = logging.getLogger("otmetka.notifications")

DIGEST_AT = time(20, 0)  # N-16
QUIET_FROM, QUIET_TO = time(22, 0), time(7, 0)  # N-16: no SMS at night
STUCK_AFTER = timedelta(minutes=10)  # a queued row not sent by then is enqueued again
BACKOFF_BASE, BACKOFF_MAX = 60, 3600  # seconds: 1, 2, 4 … 60 minutes
_UNSUBSCRIBE_SALT = "otmetka.notifications.unsubscribe"


# --- the clock ----------------------------------------------------------------------------------


def quiet_until(now: datetime, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """The end of the quiet hours that `now` falls in (07:00 local), or None outside them."""
    local = now.astimezone(zone)
    if local.time() >= QUIET_FROM:
        day = local.date() + timedelta(days=1)
    elif local.time() < QUIET_TO:
        day = local.date()
    else:
        return None
    return datetime.combine(day, QUIET_TO, tzinfo=zone)


def digest_due_on(digest: str, weekday: int, now: datetime, zone: zoneinfo.ZoneInfo) -> date | None:
    """The local date of the latest digest moment at or before `now` (20:00; for a weekly one,
    on its weekday), or None when the digest is off."""
    if digest not in (Digest.DAILY, Digest.WEEKLY):
        return None
    local = now.astimezone(zone)
    last = local.date() if local.time() >= DIGEST_AT else local.date() - timedelta(days=1)
    if digest == Digest.WEEKLY:
        last -= timedelta(days=(last.weekday() - weekday) % 7)
    return last


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Moscow")


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones (exponential, capped)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


# --- subscriptions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInput:
    digest: str = Digest.OFF
    digest_weekday: int = 4
    sms_marks: bool = False
    final_marks: bool = False
    email: str = ""
    phone: str = ""


def _memberships(user_id: int) -> list[tuple[list[str], str]]:
    """(roles, school time zone) of the account's active diary memberships, first school first."""
    from tenants.diary.family import diary_memberships

    return [(m[0], m[5]) for m in diary_memberships(user_id)]


def diary_role(user_id: int) -> str:
    """The role an account's own subscription changes are audited under."""
    roles = {role for roles, _ in _memberships(user_id) for role in roles}
    return SchoolRole.GUARDIAN if SchoolRole.GUARDIAN in roles else SchoolRole.STUDENT


def _audit_view(sub: Subscription | None) -> dict | None:
    """What the audit keeps of a subscription: the choices, not the address or the phone."""
    if sub is None:
        return None
    return {
        "digest": sub.digest,
        "digest_weekday": sub.digest_weekday,
        "sms_marks": sub.sms_marks,
        "final_marks": sub.final_marks,
        "email_set": bool(sub.email),
        "phone_set": bool(sub.phone),
    }


@transaction.atomic
def subscription_save(
    *, ctx: AuditContext, user: User, data: SubscriptionInput, now: datetime | None = None
) -> Subscription:
    """Set the account's own subscription; any bad field refuses all, named."""
    now = now or timezone.now()
    memberships = _memberships(user.pk)
    guardian = any(SchoolRole.GUARDIAN in roles for roles, _ in memberships)
    email = (data.email or "").strip().lower()
    phone = phone_normalise(data.phone)
    errors: dict[str, list[str]] = {}
    if data.digest not in Digest.values:
        errors["digest"] = ["Выберите: не присылать, каждый день или раз в неделю."]
    if not isinstance(data.digest_weekday, int) or not 0 <= data.digest_weekday <= 6:
        errors["digest_weekday"] = ["День недели: от 0 (понедельник) до 6 (воскресенье)."]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Проверьте адрес эл. почты."]
        if len(email) > 254:
            errors["email"] = ["Адрес эл. почты не длиннее 254 знаков."]
    if phone and not phone_valid(phone):
        errors["phone"] = [PHONE_MESSAGE]
    if (data.digest != Digest.OFF or data.final_marks) and not email and "email" not in errors:
        errors["email"] = ["Укажите адрес эл. почты: на него придут письма."]
    if data.sms_marks and not phone and "phone" not in errors:
        errors["phone"] = ["Укажите телефон для СМС."]
    if (data.sms_marks or data.final_marks) and not guardian:
        field = "sms_marks" if data.sms_marks else "final_marks"
        errors[field] = ["СМС и письма об отметках получают законные представители."]
    if errors:
        raise ValidationError(errors)
    # The account's row is locked first: two first saves at once (a double click) would both
    # find no subscription and both insert it; this way the second waits and updates it.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    sub = Subscription.objects.select_for_update().filter(user_id=user.pk).first()
    old = _audit_view(sub)
    if sub is None:
        sub = Subscription(user=user)
    zone_name = memberships[0][1] if memberships else _region_zone()
    schedule_changed = (sub.digest, sub.digest_weekday, sub.time_zone) != (
        data.digest, data.digest_weekday, zone_name
    )  # fmt: skip
    sub.digest, sub.digest_weekday = data.digest, data.digest_weekday
    sub.sms_marks, sub.final_marks = data.sms_marks, data.final_marks
    sub.email, sub.phone, sub.time_zone = email, phone, zone_name
    if schedule_changed or sub.pk is None:
        # the first digest comes at the next 20:00, and tells what is new from now on
        sub.digest_last_on = digest_due_on(sub.digest, sub.digest_weekday, now, _zone(zone_name))
        sub.digest_since = now
    sub.save()
    audit_append(
        RegionAuditRecord, ctx=ctx, action="notifications.subscription_set", obj=sub, old=old,
        new=_audit_view(sub),
    )  # fmt: skip
    return sub


def _region_zone() -> str:
    return (
        Region.objects.filter(pk=1).values_list("default_time_zone", flat=True).first()
        or "Europe/Moscow"
    )


def unsubscribe_token(user_id: int) -> str:
    """The signed token of the unsubscribe link in every e-mail (works without signing in)."""
    return signing.dumps(user_id, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


@transaction.atomic
def subscription_unsubscribe(*, ctx: AuditContext, user_id: int) -> Subscription | None:
    """Stop every e-mail to the account (the digest and the period-mark e-mails); SMS, set up
    separately, stay. Queued e-mails are not sent (the subscription is checked at sending)."""
    sub = Subscription.objects.select_for_update().filter(user_id=user_id).first()
    if sub is None or (sub.digest == Digest.OFF and not sub.final_marks):
        return sub
    old = _audit_view(sub)
    sub.digest, sub.final_marks = Digest.OFF, False
    sub.save(update_fields=["digest", "final_marks", "updated_at"])
    audit_append(
        RegionAuditRecord, ctx=ctx, action="notifications.unsubscribe", obj=sub, old=old,
        new=_audit_view(sub),
    )  # fmt: skip
    return sub


@transaction.atomic
def transport_settings_save(
    *, ctx: AuditContext, url: str, sender: str, token: str | None = None
) -> TransportSettings:
    """The region's SMS gateway (INT-05); `token=None` keeps the stored one. The URL must pass
    the data-residency check (RES-01/02)."""
    url, sender = (url or "").strip(), (sender or "").strip()
    errors: dict[str, list[str]] = {}
    problems = gateway_url_problems(url)
    if problems:
        errors["sms_gateway_url"] = problems
    if len(url) > 500:
        errors["sms_gateway_url"] = ["Не длиннее 500 знаков."]
    if len(sender) > 11 or not sender.isprintable():
        errors["sms_sender"] = ["Имя отправителя: до 11 знаков."]
    if token is not None and len(token) > 500:
        errors["sms_gateway_token"] = ["Не длиннее 500 знаков."]
    if errors:
        raise ValidationError(errors)
    row = TransportSettings.objects.select_for_update().filter(pk=1).first()
    old = {"url": row.sms_gateway_url, "sender": row.sms_sender} if row else None
    row = row or TransportSettings(pk=1)
    token_changed = token is not None and token != row.sms_gateway_token
    row.sms_gateway_url, row.sms_sender = url, sender
    if token is not None:
        row.sms_gateway_token = token.strip()
    row.save()
    audit_append(
        RegionAuditRecord, ctx=ctx, action="notifications.transport_set", obj=row, old=old,
        new={"url": url, "sender": sender, "token_changed": token_changed},
    )  # fmt: skip
    return row


# --- queueing -----------------------------------------------------------------------------------


def _short_hash(values) -> str:
    return hashlib.sha256(repr(sorted(values)).encode()).hexdigest()[:20]


def _recipients(student_ids: set[int]) -> dict[tuple[int, int], set[str]]:
    """(student, guardian's account) → the channels of that guardian's consent for that child,
    for linked guardians with an account and a consent registered and not withdrawn, of
    children who study here (the diary's rule, `tenants.diary.family`). One query."""
    from tenants.people.choices import StudentStatus
    from tenants.people.consents import consents_in_force
    from tenants.people.models import GuardianLink

    linked = GuardianLink.objects.filter(
        guardian=OuterRef("guardian"), student=OuterRef("student"), ended_at__isnull=True
    )
    rows = (
        consents_in_force(
            student_id__in=student_ids, guardian__user_id__isnull=False,
            student__status=StudentStatus.STUDYING,
        )
        .filter(Exists(linked))
        .values_list("student_id", "guardian__user_id", "channels")
    )  # fmt: skip
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for student, user, channels in rows:
        found[(student, user)] |= set(channels or [])
    return found


def _subscribers(user_ids: set[int], school_id: int) -> dict[int, Subscription]:
    """Subscriptions of active accounts that are active guardians of the school. One query."""
    guardian_here = SchoolMembership.objects.filter(
        user_id=OuterRef("user_id"), school_id=school_id, is_active=True,
        roles__contains=[SchoolRole.GUARDIAN],
    )  # fmt: skip
    return {
        s.user_id: s
        for s in Subscription.objects.filter(
            Exists(guardian_here), user_id__in=user_ids, user__status=UserStatus.ACTIVE
        ).only("user_id", "sms_marks", "final_marks", "email", "phone")
    }


def _school_here() -> tuple[int, zoneinfo.ZoneInfo] | None:
    found = (
        School.objects.filter(schema_name=connection.schema_name)
        .values_list("pk", "time_zone")
        .first()
    )
    return (found[0], _zone(found[1])) if found else None


def _queue(rows: list[Notification]) -> list[int]:
    """Insert the rows (a row already queued for the same thing is kept, not doubled) and return
    the ids to send now. Two queries."""
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Notification.objects.filter(
            dedupe_key__in=[r.dedupe_key for r in rows], status=Status.QUEUED
        ).values_list("pk", flat=True)
    )


def _sms_row(now: datetime, zone: zoneinfo.ZoneInfo, **fields) -> Notification:
    held = quiet_until(now, zone)
    return Notification(
        channel=Channel.SMS, status=Status.HELD if held else Status.QUEUED, due_at=held or now,
        **fields,
    )  # fmt: skip


def mark_notices_queue(*, mark_ids: list[int], now: datetime | None = None) -> list[int]:
    """Queue one SMS per subscribed guardian per child for the new marks of one journal save.
    Run in the school's schema. A fixed number of queries whatever the number of marks,
    children and guardians. Returns the ids to send now (held ones wait for 07:00)."""
    from tenants.journal.models import Mark

    now = now or timezone.now()
    schema = connection.schema_name
    marks: dict[int, list[int]] = defaultdict(list)
    for pk, student in Mark.objects.filter(
        pk__in=mark_ids, invalidated_at__isnull=True
    ).values_list("pk", "student_id"):
        marks[student].append(pk)
    if not marks:
        return []
    recipients = {
        key: channels for key, channels in _recipients(set(marks)).items() if "sms" in channels
    }
    school = _school_here()
    if not recipients or school is None:
        return []
    school_id, zone = school
    subscribers = _subscribers({user for _, user in recipients}, school_id)
    rows = []
    for student, user in sorted(recipients):
        sub = subscribers.get(user)
        if sub is None or not sub.sms_marks or not sub.phone:
            continue
        ids = sorted(marks[student])
        rows.append(_sms_row(
            now, zone, kind=Kind.MARK, user_id=user, address=sub.phone, schema=schema,
            student_id=student, payload={"marks": ids},
            dedupe_key=f"mark:{schema}:{student}:{user}:{_short_hash(ids)}",
        ))  # fmt: skip
    queued = _queue(rows)
    log.info("mark notices: %s rows, %s to send now, in %s", len(rows), len(queued), schema)
    return queued


def final_notices_queue(
    *, kind: str, mark_ids: list[int], now: datetime | None = None
) -> list[int]:
    """Period (`kind="period"`) or year marks just saved (N-16: at once): an e-mail to guardians
    who asked for it and an SMS to those with SMS for marks, each by its consented channel.
    Run in the school's schema; a fixed number of queries."""
    from tenants.journal.models import PeriodMark, YearMark

    now = now or timezone.now()
    schema = connection.schema_name
    model = PeriodMark if kind == "period" else YearMark
    marks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, student, version in (
        model.objects.filter(pk__in=mark_ids, invalidated_at__isnull=True)
        .exclude(value="", notation="")  # a deferral is not a mark
        .values_list("pk", "student_id", "version")
    ):
        marks[student].append((pk, version))
    if not marks:
        return []
    recipients = _recipients(set(marks))
    school = _school_here()
    if not recipients or school is None:
        return []
    school_id, zone = school
    subscribers = _subscribers({user for _, user in recipients}, school_id)
    rows = []
    for (student, user), channels in sorted(recipients.items()):
        sub = subscribers.get(user)
        if sub is None:
            continue
        ids = sorted(pk for pk, _ in marks[student])
        key = f"final:{kind}:{schema}:{student}:{user}:{_short_hash(marks[student])}"
        common = {"kind": Kind.FINAL_MARK, "user_id": user, "schema": schema,
                  "student_id": student, "payload": {"kind": kind, "marks": ids}}  # fmt: skip
        if sub.final_marks and sub.email and "email" in channels:
            rows.append(Notification(
                channel=Channel.EMAIL, address=sub.email, status=Status.QUEUED, due_at=now,
                dedupe_key=f"{key}:email", **common,
            ))  # fmt: skip
        if sub.sms_marks and sub.phone and "sms" in channels:
            rows.append(_sms_row(now, zone, address=sub.phone, dedupe_key=f"{key}:sms", **common))
    queued = _queue(rows)
    log.info("%s mark notices: %s rows, %s to send now, in %s", kind, len(rows), len(queued),
             schema)  # fmt: skip
    return queued


def digests_due(now: datetime) -> list[int]:
    """Subscriptions whose digest moment has come and whose digest for it is not queued yet.
    Two queries (their time zones, then the subscriptions)."""
    zones = (
        Subscription.objects.exclude(digest=Digest.OFF)
        .exclude(email="")
        .values_list("time_zone", flat=True)
        .distinct()
    )
    due = Q(pk__in=[])
    for name in zones:
        zone = _zone(name)
        before = Q(digest_last_on__isnull=True)
        on = digest_due_on(Digest.DAILY, 0, now, zone)
        due |= Q(time_zone=name, digest=Digest.DAILY) & (before | Q(digest_last_on__lt=on))
        for weekday in range(7):
            on = digest_due_on(Digest.WEEKLY, weekday, now, zone)
            due |= Q(time_zone=name, digest=Digest.WEEKLY, digest_weekday=weekday) & (
                before | Q(digest_last_on__lt=on)
            )
    return list(
        Subscription.objects.filter(due, user__status=UserStatus.ACTIVE)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digests_queue(*, now: datetime | None = None) -> list[int]:
    """Queue the digests that are due (idempotent: a digest moment is claimed once, under a row
    lock, together with its outbox row; running twice, or two runs at once, queue it once)."""
    now = now or timezone.now()
    queued = [pk for sub in digests_due(now) if (pk := _digest_claim(sub, now)) is not None]
    log.info("digests: %s queued", len(queued))
    return queued


@transaction.atomic
def _digest_claim(subscription_id: int, now: datetime) -> int | None:
    sub = (
        Subscription.objects.select_for_update(skip_locked=True)
        .filter(pk=subscription_id)
        .exclude(digest=Digest.OFF)
        .exclude(email="")
        .first()
    )
    if sub is None:
        return None
    on = digest_due_on(sub.digest, sub.digest_weekday, now, _zone(sub.time_zone))
    if on is None or (sub.digest_last_on is not None and sub.digest_last_on >= on):
        return None
    span = timedelta(days=7 if sub.digest == Digest.WEEKLY else 1)
    since = sub.digest_since or now - span
    key = f"digest:{sub.user_id}:{sub.digest}:{on.isoformat()}"
    Notification.objects.bulk_create([Notification(
        kind=Kind.DIGEST, channel=Channel.EMAIL, user_id=sub.user_id, address=sub.email,
        payload={"digest": sub.digest, "on": on.isoformat(), "since": since.isoformat(),
                 "until": now.isoformat()},
        due_at=now, dedupe_key=key,
    )], ignore_conflicts=True)  # fmt: skip
    sub.digest_last_on, sub.digest_since = on, now
    sub.save(update_fields=["digest_last_on", "digest_since", "updated_at"])
    return (
        Notification.objects.filter(dedupe_key=key, status=Status.QUEUED)
        .values_list("pk", flat=True)
        .first()
    )


def held_release(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """SMS held for the quiet hours whose morning has come, and queued rows whose task was lost
    (not sent `STUCK_AFTER` after they were due): the ids to enqueue."""
    now = now or timezone.now()
    with transaction.atomic():
        held = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.HELD, due_at__lte=now)
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=held).update(status=Status.QUEUED, due_at=now)
    stuck = list(
        Notification.objects.filter(status=Status.QUEUED, due_at__lte=now - STUCK_AFTER)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if held or stuck:
        log.info("notifications released: %s held, %s stuck", len(held), len(stuck))
    return held + stuck


# --- sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None  # seconds, when the task should try again


def _school_zone(schema: str) -> zoneinfo.ZoneInfo:
    name = School.objects.filter(schema_name=schema).values_list("time_zone", flat=True).first()
    return _zone(name or "Europe/Moscow")


def notification_send(
    *, notification_id: int, now: datetime | None = None, transport=None
) -> Outcome:
    """One attempt to send one outbox row. The row is locked while it is sent, so two workers
    never send it twice; an SMS in quiet hours is held until 07:00; a row with nothing left to
    tell (marks removed or invalidated, the subscription or the consent gone) is cancelled; a
    temporary transport failure is retried with exponential backoff up to
    `NOTIFY_MAX_ATTEMPTS`, then the row fails."""
    from .compose import compose

    now = now or timezone.now()
    retry_in = None
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None:
            return Outcome("missing")
        if row.status not in (Status.QUEUED, Status.HELD):
            return Outcome(row.status)
        if row.status == Status.HELD and row.due_at > now:
            return Outcome(Status.HELD)
        if row.channel == Channel.SMS and (held := quiet_until(now, _school_zone(row.schema))):
            row.status, row.due_at = Status.HELD, held
            row.save(update_fields=["status", "due_at"])
            log.info("notification %s held for the quiet hours (%s)", row.pk, row.schema)
            return Outcome(Status.HELD)
        composed = compose(row, now)
        if composed is None:
            row.status = Status.CANCELLED
            row.save(update_fields=["status"])
            log.info("notification %s %s/%s cancelled: nothing to send (%s)", row.pk, row.kind,
                     row.channel, row.schema or "-")  # fmt: skip
            return Outcome(Status.CANCELLED)
        row.address = composed.to
        row.attempts += 1
        result = (transport or transport_for(row.channel)).send(composed)
        if result.ok:
            row.status, row.sent_at, row.last_error = Status.SENT, now, ""
        elif result.retry and row.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            retry_in = backoff(row.attempts)
            row.status, row.due_at = Status.QUEUED, now + timedelta(seconds=retry_in)
            row.last_error = result.error[:300]
        else:
            row.status, row.last_error = Status.FAILED, result.error[:300]
        row.save(update_fields=["address", "attempts", "status", "sent_at", "last_error", "due_at"])
    log.info("notification %s %s/%s: %s after %s attempt(s) (%s)%s", row.pk, row.kind,
             row.channel, row.status, row.attempts, row.schema or "-",
             f"; {row.last_error}" if row.last_error else "")  # fmt: skip
    return Outcome(row.status, retry_in)


OUTBOX_KEEP_DAYS = 90


def outbox_expire(*, now: datetime | None = None) -> int:
    """Delete finished outbox rows (sent, failed, cancelled) created more than OUTBOX_KEEP_DAYS
    ago: they hold a guardian's address or phone, kept only as long as a question about a
    delivery ("the SMS never came") can still be answered."""
    cutoff = (now or timezone.now()) - timedelta(days=OUTBOX_KEEP_DAYS)
    deleted, _ = Notification.objects.filter(
        status__in=[Status.SENT, Status.FAILED, Status.CANCELLED], created_at__lt=cutoff
    ).delete()
    return deleted


def unsubscribe_url(user_id: int) -> str:
    """The absolute address of the unsubscribe page for the account (on the region's host)."""
    from django.urls import reverse

    from otmetka.region.routing import public_url

    path = reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(user_id)],
        urlconf="otmetka.urls_public",
    )
    return public_url(path)


def message_for(row: Notification, *, to: str, subject: str = "", text: str, html: str = ""):
    """The transport's message for an outbox row (e-mails carry the one-click unsubscribe)."""
    headers = {}
    if row.channel == Channel.EMAIL:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url(row.user_id)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return Message(
        channel=row.channel, to=to, subject=subject, text=text, html=html, headers=headers,
        reference=str(row.pk),
    )  # fmt: skip
