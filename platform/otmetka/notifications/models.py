"""Diary notifications in the region's (public) schema: a guardian's children may study in
several schools, so the subscription belongs to the global account.

- `Subscription`: what the account asked for (DIA-06, N-16): the e-mail digest (off, daily or
  weekly at 20:00 local time), SMS for new marks, an instant e-mail for period and year marks,
  and the address and phone to use (the account holder's own choice).
- `Notification`: the outbox. A row names the recipient's address, the school (schema) and the
  student, and the ids of what to tell (`payload`); the text is composed when it is sent, in the
  school's schema, so that an entry removed or invalidated meanwhile is not sent, and so that no
  marks or names are copied into the public schema.
- `TransportSettings`: the region's SMS gateway (INT-05), edited in the region's admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import Channel, Digest, Kind, Status, Weekday


class Subscription(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_subscription"
    )
    digest = models.CharField(
        "сводка на эл. почту", max_length=8, choices=Digest.choices, default=Digest.OFF
    )
    digest_weekday = models.PositiveSmallIntegerField(
        "день недели для еженедельной сводки", choices=Weekday.choices, default=Weekday.FRIDAY
    )
    sms_marks = models.BooleanField("СМС о новых отметках", default=False)
    final_marks = models.BooleanField("сразу письмо об отметке за период и год", default=False)
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=12, blank=True)  # +7XXXXXXXXXX
    # the zone of the account's first school: when "20:00" is
    time_zone = models.CharField("часовой пояс", max_length=64, default="Europe/Moscow")
    # the digest's schedule: the local date of the last digest, and the moment it covered to
    digest_last_on = models.DateField("последняя сводка", null=True, blank=True)
    digest_since = models.DateTimeField("сводка с", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "подписка на уведомления"
        verbose_name_plural = "подписки на уведомления"
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_weekday__gte=0, digest_weekday__lte=6),
                name="subscription_weekday_range",
            ),
        ]
        indexes = [models.Index(fields=["digest", "time_zone"], name="subscription_digest_idx")]

    def __str__(self) -> str:
        return f"подписка {self.user_id}"


class Notification(models.Model):
    """One e-mail or SMS to send (the outbox). Holds no message text: see the module's doc."""

    kind = models.CharField("вид", max_length=12, choices=Kind.choices)
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="кому"
    )
    address = models.CharField("адрес", max_length=254)
    schema = models.CharField("школа (схема)", max_length=63, blank=True)  # "" for a digest
    student_id = models.BigIntegerField("обучающийся", null=True, blank=True)
    payload = models.JSONField("что сообщить", default=dict)
    status = models.CharField(
        "состояние", max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    last_error = models.CharField("последняя ошибка", max_length=300, blank=True)
    due_at = models.DateTimeField("отправить не раньше")
    created_at = models.DateTimeField("создано", auto_now_add=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "очередь уведомлений"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_status_due_idx"),
            models.Index(fields=["schema", "student_id"], name="notification_student_idx"),
        ]

    def __str__(self) -> str:
        return f"№ {self.pk}: {self.kind}/{self.channel} ({self.status})"


class TransportSettings(models.Model):
    """The region's SMS gateway (one row, pk=1). The URL passes the data-residency check."""

    sms_gateway_url = models.URLField("адрес СМС-шлюза", max_length=500, blank=True)
    sms_gateway_token = models.CharField("ключ доступа к шлюзу", max_length=500, blank=True)
    sms_sender = models.CharField("имя отправителя СМС", max_length=11, blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "транспорт уведомлений"
        verbose_name_plural = "транспорт уведомлений"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="transport_settings_singleton")
        ]

    def __str__(self) -> str:
        return "Транспорт уведомлений региона"
