from django.db import models


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", "Работает"
    SUSPENDED = "suspended", "Приостановлена"
    ARCHIVED = "archived", "В архиве"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "Нерабочий праздничный день"
    DAY_OFF = "day_off", "Перенесённый выходной"
    WORKING = "working", "Рабочий день (перенос с выходного)"
    SHORTENED = "shortened", "Сокращённый рабочий день"
