from django.db import models


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Четверть"
    TRIMESTER = "trimester", "Триместр"
    HALF_YEAR = "half_year", "Полугодие"
    SEMESTER = "semester", "Семестр"
    MODULE = "module", "Модуль"
    CUSTOM = "custom", "Другой период"


class HolidayKind(models.TextChoices):
    AUTUMN = "autumn", "Осенние каникулы"
    WINTER = "winter", "Зимние каникулы"
    SPRING = "spring", "Весенние каникулы"
    SUMMER = "summer", "Летние каникулы"
    EXTRA = "extra", "Дополнительные каникулы"
    OTHER = "other", "Другие"
