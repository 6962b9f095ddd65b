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


class GradingKind(models.TextChoices):
    FIVE_POINT = "five_point", "Пятибалльная"
    TEN_POINT = "ten_point", "Десятибалльная"
    HUNDRED_POINT = "hundred_point", "Стобалльная"
    PASS_FAIL = "pass_fail", "Зачёт / незачёт"
    NO_MARKS = "no_marks", "Безотметочное обучение"
    CUSTOM = "custom", "Своя шкала"


class FormOfControl(models.TextChoices):
    ORAL = "oral", "Устная"
    WRITTEN = "written", "Письменная"
    PRACTICAL = "practical", "Практическая"
    COMBINED = "combined", "Комбинированная"


class NotationCode(models.TextChoices):
    EXEMPT = "exempt", "осв"
    MASTERED = "mastered", "осв (освоено)"
    NOT_ATTESTED = "not_attested", "н/а"
    NO_MARK = "no_mark", "безотм"


class SubjectKind(models.TextChoices):
    FEDERAL = "federal", "Федеральный учебный план (ФБУП)"
    SCHOOL = "school", "Часть, формируемая школой"


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", "Учебный кабинет"
    LABORATORY = "laboratory", "Лаборатория"
    COMPUTER = "computer", "Компьютерный класс"
    GYM = "gym", "Спортивный зал"
    WORKSHOP = "workshop", "Мастерская"
    OTHER = "other", "Другое"


class LocalActKind(models.TextChoices):
    JOURNAL_REGULATION = "journal_regulation", "Положение об ЭЖ и ЭД"
    ORDER = "order", "Приказ"
    ASSESSMENT = "assessment", "Положение о текущем контроле и аттестации"
    DATA_PROTECTION = "data_protection", "Положение о персональных данных"
    OTHER = "other", "Другой локальный акт"


class CloseSource(models.TextChoices):
    MANUAL = "manual", "Вручную"
    AUTO = "auto", "Автоматически (X-05)"
