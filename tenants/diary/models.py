"""What the diary keeps in a school's schema: who viewed which child's diary, and when (DIA-05).

The diary itself is read from the journal, the timetable and the events; it stores nothing of
its own but these receipts (and, in later parts, subscriptions and paper-delivery choices).
"""

from __future__ import annotations

from django.db import models


class DiaryView(models.TextChoices):
    WEEK = "week", "Неделя"
    SUBJECT = "subject", "Предмет"
    PERIOD = "period", "Итоги периода"
    CARD = "card", "Учителя, календарь, экзамены"


class ViewReceipt(models.Model):
    """One opening of a child's diary (DIA-05): by whom (the global account and the role they
    saw it in), what (the view and its week, subject or period), when, and through which door."""

    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="+")
    user_id = models.BigIntegerField("учётная запись")
    role = models.CharField("роль", max_length=16)  # guardian | student
    view = models.CharField("что открыто", max_length=8, choices=DiaryView.choices)
    ref = models.CharField("неделя, предмет или период", max_length=40, blank=True)
    channel = models.CharField("канал", max_length=8, default="web")  # web | api
    at = models.DateTimeField("когда")

    class Meta:
        verbose_name = "просмотр дневника"
        verbose_name_plural = "просмотры дневника"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "-at"], name="receipt_student_idx")]

    def __str__(self) -> str:
        return f"{self.student_id} {self.view} {self.at:%d.%m.%Y %H:%M}"
