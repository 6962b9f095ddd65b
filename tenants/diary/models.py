"""What the diary keeps in a school's schema: who viewed which child's diary, and when (DIA-05).

The diary itself is read from the journal, the timetable and the events; it stores nothing of
its own but these receipts and the paper extracts' choices, log and jobs (DIA-07, `paper.py`).
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


# --- paper extracts (DIA-07, X-09) -------------------------------------------------------------


class PaperReason(models.TextChoices):
    REFUSAL = "refusal", "Отказ от электронного дневника"
    NO_ACCESS = "no_access", "Нет доступа (согласие на электронный дневник не зарегистрировано)"
    ASKED = "asked", "Просит выписки на бумаге"


class DeliveryMethod(models.TextChoices):
    VIA_STUDENT = "via_student", "Через обучающегося"
    IN_PERSON = "in_person", "Лично законному представителю в школе"
    POST = "post", "Почтой"
    OTHER = "other", "Иной способ"


class ExtractKind(models.TextChoices):
    WEEK = "week", "За неделю"
    PERIOD = "period", "За период"


class PaperChoice(models.Model):
    """How a guardian gets a child's diary on paper (DIA-07): the paper flag with its reason
    when recorded and the delivery method agreed. The consent registry decides on its own that a
    guardian who refused, or has no consent to the electronic diary, is on paper; this row adds
    the method, and the guardian's own request for paper (reason "asked")."""

    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.PROTECT, related_name="+")
    paper = models.BooleanField("выписки на бумаге", default=True)
    reason = models.CharField("основание", max_length=10, choices=PaperReason.choices)
    method = models.CharField(
        "способ передачи", max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    address = models.CharField("почтовый адрес", max_length=300, blank=True)
    note = models.CharField("примечание", max_length=300, blank=True)
    agreed_on = models.DateField("согласовано", null=True, blank=True)
    recorded_by = models.BigIntegerField("записал (учётная запись)", null=True)
    recorded_at = models.DateTimeField("записано")

    class Meta:
        verbose_name = "бумажная выписка: выбор представителя"
        verbose_name_plural = "бумажные выписки: выбор представителей"
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="paper_choice_once"),
            models.CheckConstraint(
                condition=~models.Q(method="post") | ~models.Q(address=""),
                name="paper_post_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.guardian_id}: {self.method or '—'}"


class PaperExtract(models.Model):
    """One paper extract of a child's diary (X-09): what it covers, when and by whom it was
    generated, when and how it was handed over or sent."""

    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("что", max_length=8, choices=ExtractKind.choices)
    start = models.DateField("с")
    end = models.DateField("по")
    period = models.ForeignKey(
        "configuration.Period", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period_name = models.CharField("период", max_length=100, blank=True)
    method = models.CharField(
        "способ передачи", max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    generated_at = models.DateTimeField("сформирована")
    generated_by = models.BigIntegerField("сформировал (учётная запись)", null=True)
    handed_at = models.DateTimeField("выдана / отправлена", null=True, blank=True)
    handed_by = models.BigIntegerField("выдал (учётная запись)", null=True, blank=True)

    class Meta:
        verbose_name = "бумажная выписка"
        verbose_name_plural = "бумажные выписки"
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["student", "-generated_at"], name="paper_extract_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="paper_extract_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.kind} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class PaperJob(models.Model):
    """A class's extracts made in the background (a Celery task): one PDF in object storage,
    progress while it runs, the extracts logged when it is done."""

    school_class = models.ForeignKey(
        "people.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("что", max_length=8, choices=ExtractKind.choices)
    student_ids = models.JSONField("обучающиеся", default=list)
    day = models.DateField("неделя (любой её день)", null=True, blank=True)
    period = models.ForeignKey(
        "configuration.Period", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handed = models.BooleanField("отметить выданными", default=True)
    status = models.CharField("состояние", max_length=10, default="queued")
    file_key = models.CharField(max_length=300, blank=True)
    extracts = models.PositiveIntegerField("выписок", default=0)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.BigIntegerField(null=True)
    created_role = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "печать выписок класса"
        verbose_name_plural = "печать выписок классов"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school_class_id} {self.kind} ({self.status})"
