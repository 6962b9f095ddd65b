from django.db import models


class Digest(models.TextChoices):
    OFF = "off", "Не присылать"
    DAILY = "daily", "Каждый день в 20:00"
    WEEKLY = "weekly", "Раз в неделю в 20:00"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "понедельник"
    TUESDAY = 1, "вторник"
    WEDNESDAY = 2, "среда"
    THURSDAY = 3, "четверг"
    FRIDAY = 4, "пятница"
    SATURDAY = 5, "суббота"
    SUNDAY = 6, "воскресенье"


class Kind(models.TextChoices):
    DIGEST = "digest", "Сводка дневника"
    MARK = "mark", "Новые отметки"
    FINAL_MARK = "final_mark", "Отметка за период или год"


class Channel(models.TextChoices):
    EMAIL = "email", "Эл. почта"
    SMS = "sms", "СМС"


class Status(models.TextChoices):
    QUEUED = "queued", "В очереди"
    HELD = "held", "Ждёт утра (тихие часы)"
    SENT = "sent", "Отправлено"
    FAILED = "failed", "Не отправлено"
    CANCELLED = "cancelled", "Отменено (нечего или некому отправлять)"
