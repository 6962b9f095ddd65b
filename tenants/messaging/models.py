"""Messages between families and the school (DIA-08), kept in the school's schema.

A thread is always about one student of the school (the child of the guardians in it, or the
student themselves): that is what ties families to it and what ends their access when their link
or consent ends. Participants are global accounts (ids, as everywhere in a school schema) with
the role they have in the thread; their read state is the last message they have seen. A
message hidden by the director keeps its text in the database (so it can be restored), never in
an answer. Attachments live in object storage under the school's prefix.
"""

from __future__ import annotations

from django.db import models


class ThreadRole(models.TextChoices):
    GUARDIAN = "guardian", "Законный представитель"
    STUDENT = "student", "Обучающийся"
    TEACHER = "teacher", "Учитель"
    CLASS_TEACHER = "class_teacher", "Классный руководитель"
    ADMIN = "admin", "Администрация"


FAMILY_ROLES = (ThreadRole.GUARDIAN, ThreadRole.STUDENT)
STAFF_ROLES = (ThreadRole.TEACHER, ThreadRole.CLASS_TEACHER, ThreadRole.ADMIN)


class Thread(models.Model):
    subject = models.CharField("тема", max_length=200)
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="+", verbose_name="обучающийся"
    )
    created_by = models.BigIntegerField("начал (учётная запись)")
    created_at = models.DateTimeField("начата")
    last_message_at = models.DateTimeField("последнее сообщение")

    class Meta:
        verbose_name = "переписка"
        verbose_name_plural = "переписки"
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["student", "-last_message_at"], name="thread_student_idx")]

    def __str__(self) -> str:
        return self.subject


class Participant(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user_id = models.BigIntegerField("учётная запись")
    role = models.CharField("роль в переписке", max_length=16, choices=ThreadRole.choices)
    # the name as the school knew it when the person joined (staff, guardian or student record)
    name = models.CharField("имя", max_length=320)
    joined_at = models.DateTimeField("добавлен")
    last_read_id = models.BigIntegerField("последнее прочитанное сообщение", null=True, blank=True)
    last_read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "участник переписки"
        verbose_name_plural = "участники переписки"
        ordering = ["thread", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "user_id"], name="participant_once")
        ]
        indexes = [models.Index(fields=["user_id", "thread"], name="participant_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author_id = models.BigIntegerField("автор (учётная запись)")
    body = models.TextField("текст", blank=True)
    created_at = models.DateTimeField("отправлено")
    hidden_at = models.DateTimeField("скрыто", null=True, blank=True)
    hidden_by = models.BigIntegerField("скрыл (учётная запись)", null=True, blank=True)
    hidden_reason = models.CharField("причина", max_length=500, blank=True)

    class Meta:
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        ordering = ["thread", "pk"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True, hidden_by__isnull=True)
                | models.Q(hidden_at__isnull=False, hidden_by__isnull=False),
                name="message_hidden_by_whom",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} в переписке {self.thread_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file_key = models.CharField(max_length=300)
    file_name = models.CharField("файл", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "вложение"
        verbose_name_plural = "вложения"
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.file_name
