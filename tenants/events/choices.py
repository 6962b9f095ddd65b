from django.db import models


class ControlForm(models.TextChoices):
    """Forms of control in the ВШК control-work schedule (TTB-10)."""

    CONTROL_WORK = "control_work", "Контрольная работа"
    DIAGNOSTIC = "diagnostic", "Диагностическая работа"
    VPR = "vpr", "ВПР"
    CHECK_WORK = "check_work", "Проверочная работа"
    TEST = "test", "Тестирование"
    CREDIT = "credit", "Зачёт"
    ESSAY = "essay", "Сочинение"
    SUMMARY = "summary", "Изложение"
    DICTATION = "dictation", "Диктант"
    REGIONAL = "regional", "Региональная диагностика"
    OTHER = "other", "Другая форма"


class EventLevel(models.TextChoices):
    CLASS = "class", "Мероприятие класса"
    SCHOOL = "school", "Мероприятие школы"


class ExamKind(models.TextChoices):
    OGE = "oge", "ОГЭ"
    EGE = "ege", "ЕГЭ"
    GVE_9 = "gve9", "ГВЭ-9"
    GVE_11 = "gve11", "ГВЭ-11"


# the grade whose students sit each exam kind
EXAM_GRADE = {ExamKind.OGE: 9, ExamKind.GVE_9: 9, ExamKind.EGE: 11, ExamKind.GVE_11: 11}


class ExamLevel(models.TextChoices):
    NONE = "", "—"
    BASIC = "basic", "Базовый"
    PROFILE = "profile", "Профильный"


class ExamChoiceStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    SUBMITTED = "submitted", "Заявление подано"
    WITHDRAWN = "withdrawn", "Отозвано"
