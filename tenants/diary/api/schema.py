"""The diary API's answers, described for the OpenAPI schema (drf-spectacular) only.

The views answer with plain dicts rendered by orjson (ARCHITECTURE §9): `children_json` in
`views.py`, `week.diary_week`, `child.diary_subject`, `child.diary_summary` and
`child.diary_card`. These serializers never touch data; they tell a mobile app or the state
services portal every field of those dicts, in Russian. Change them together with the functions:
`tests/tenants/diary/test_diary_openapi.py` validates real answers against the schema and fails
on a field that is returned but not described, or described as required but missing.

Component names start with `Diary` so they cannot collide with other apps' components in the
host's schema. The error bodies are the API's common ones (`otmetka.api.errors`).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from tenants.events.choices import ControlForm, EventLevel, ExamChoiceStatus, ExamKind, ExamLevel
from tenants.journal.models import YearMark
from tenants.timetable.models import HomeworkMethod

from ..week import WEEKDAYS

DATE = "дата (ГГГГ-ММ-ДД)"


def _labels(*members) -> list[tuple[str, str]]:
    """Choices whose values are the labels: these answers carry the label itself."""
    return [(m.label, m.label) for m in members]


# --- the caller's children --------------------------------------------------------------------

# a module constant, so that settings can name its enum (SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES)
CHILD_ROLES = [
    ("guardian", "ребёнок вызывающего (вызывающий — законный представитель)"),
    ("student", "сам вызывающий (обучающийся)"),
]


class DiaryChildSerializer(serializers.Serializer):
    key = serializers.RegexField(
        r"^[a-z][a-z0-9-]*\.\d+$",
        help_text="ключ ребёнка `<адрес школы>.<номер обучающегося>`: передаётся в параметре "
        "`child` остальных запросов дневника",
    )
    name = serializers.CharField(help_text="фамилия, имя и отчество")
    short_name = serializers.CharField(help_text="фамилия и инициалы")
    role = serializers.ChoiceField(CHILD_ROLES, help_text="чей это дневник для вызывающего")
    school = serializers.CharField(help_text="краткое название школы")


# `class` is a Python keyword: added after the class body, before any subclass copies the fields
DiaryChildSerializer._declared_fields["class"] = serializers.CharField(
    help_text="класс на сегодня, например «5А»; пусто, если обучающийся не зачислен в класс"
)


class DiaryChildrenSerializer(serializers.Serializer):
    children = DiaryChildSerializer(
        many=True, help_text="дети вызывающего (или он сам), во всех школах"
    )
    unavailable_schools = serializers.ListField(
        child=serializers.CharField(),
        help_text="названия школ, где дневник сейчас закрыт (работа школы приостановлена или "
        "она в архиве)",
    )


# --- the week ---------------------------------------------------------------------------------


class DiaryWeekSpanSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="понедельник недели")
    end = serializers.DateField(help_text="воскресенье недели")


class DiaryMarkSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="отметка, как в журнале: «5», «зач» и т. п.")
    work_type = serializers.CharField(help_text="вид работы, за которую поставлена отметка")
    title = serializers.CharField(allow_blank=True, help_text="задание; может быть пустым")
    comment = serializers.CharField(allow_blank=True, help_text="комментарий учителя")


class DiaryOtherMarkSerializer(DiaryMarkSerializer):
    subject = serializers.CharField(help_text="предмет")
    number = serializers.IntegerField(min_value=0, help_text="номер урока")


class DiaryAttendanceSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_blank=True,
        help_text="код отметки посещаемости («Н», «Б», …); пусто — только опоздание",
    )
    label = serializers.CharField(allow_blank=True, help_text="расшифровка кода")
    late_minutes = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="опоздание, минут; null — без опоздания"
    )
    note = serializers.CharField(allow_blank=True, help_text="особая отметка учителя")


class DiaryHomeworkFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="номер файла")
    name = serializers.CharField(help_text="имя файла")
    size = serializers.IntegerField(min_value=0, help_text="размер, байт")


class DiaryHomeworkSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="задание")
    method = serializers.ChoiceField(
        HomeworkMethod.choices, allow_blank=True, help_text="способ выполнения; может быть пустым"
    )
    pages = serializers.CharField(allow_blank=True, help_text="страницы")
    exercises = serializers.CharField(allow_blank=True, help_text="номера заданий, упражнений")
    practical = serializers.CharField(allow_blank=True, help_text="практическая работа")
    given_on = serializers.DateField(help_text="дата урока, на котором задано")
    files = DiaryHomeworkFileSerializer(many=True, help_text="приложенные файлы")
    individual = serializers.BooleanField(
        help_text="индивидуальное задание (показывается только тем, кому задано)"
    )


class DiaryLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="номер урока в школе")
    number = serializers.IntegerField(min_value=0, help_text="номер урока в дне")
    time = serializers.RegexField(
        r"^\d{2}:\d{2}–\d{2}:\d{2}$",
        allow_blank=True,
        help_text="время по основному расписанию звонков «ЧЧ:ММ–ЧЧ:ММ»; пусто, если звонков нет",
    )
    subject = serializers.CharField(help_text="предмет")
    teacher = serializers.CharField(help_text="учитель по расписанию: фамилия и инициалы")
    substitute = serializers.CharField(
        allow_null=True, help_text="заменяющий учитель: фамилия и инициалы; null — без замены"
    )
    substitution_reason = serializers.CharField(allow_blank=True, help_text="причина замены")
    room = serializers.CharField(allow_blank=True, help_text="кабинет")
    moved_from = serializers.DateField(
        allow_null=True, help_text="дата, с которой урок перенесён; null — не переносился"
    )
    topic = serializers.CharField(allow_blank=True, help_text="тема урока; пусто — не внесена")
    homework = DiaryHomeworkSerializer(many=True, help_text="домашние задания к этому уроку")
    control_work = serializers.CharField(
        allow_null=True,
        help_text="контрольная работа на уроке: форма контроля и тема; null — не запланирована",
    )
    marks = DiaryMarkSerializer(many=True, help_text="отметки ребёнка за урок")
    attendance = DiaryAttendanceSerializer(
        allow_null=True, help_text="посещаемость ребёнка; null — отметок нет (присутствовал)"
    )


class DiaryWeekEventSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="название мероприятия")
    place = serializers.CharField(allow_blank=True, help_text="место")
    time = serializers.RegexField(
        r"^\d{2}:\d{2}$", allow_blank=True, help_text="время начала «ЧЧ:ММ»; пусто — не указано"
    )
    level = serializers.ChoiceField(EventLevel.choices, help_text="мероприятие класса или школы")


class DiaryDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text=DATE)
    weekday = serializers.ChoiceField(WEEKDAYS, help_text="день недели")
    holiday = serializers.CharField(
        allow_blank=True, help_text="каникулы, на которые приходится день; пусто — не каникулы"
    )
    lessons = DiaryLessonSerializer(many=True, help_text="уроки ребёнка по порядку")
    other_marks = DiaryOtherMarkSerializer(
        many=True,
        help_text="отметки за уроки, которых нет в расписании ребёнка на этот день "
        "(например, урок другого класса или группы)",
    )
    events = DiaryWeekEventSerializer(many=True, help_text="мероприятия дня")
    day_off = serializers.BooleanField(
        help_text="выходной или праздничный день по производственному календарю региона"
    )


class DiaryWeekChildSerializer(DiaryChildSerializer):
    days = DiaryDaySerializer(many=True, help_text="семь дней с понедельника по воскресенье")


class DiaryWeekSerializer(serializers.Serializer):
    week = DiaryWeekSpanSerializer(help_text="неделя, содержащая запрошенную дату")
    children = DiaryWeekChildSerializer(
        many=True, help_text="каждый ребёнок вызывающего или только названный в `child`"
    )


# --- one child: subject, summary, card ---------------------------------------------------------


class DiarySubjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="номер предмета в школе (параметр `subject`)")
    name = serializers.CharField(help_text="название предмета")


class DiaryPeriodRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="номер учебного периода (параметр `period`)")
    name = serializers.CharField(help_text="название периода, например «2 четверть»")


class DiaryPeriodSerializer(DiaryPeriodRefSerializer):
    start = serializers.DateField(help_text="первый день периода")
    end = serializers.DateField(help_text="последний день периода")


class _AverageSerializer(serializers.Serializer):
    average = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="средневзвешенная отметка (строка, два знака после точки); null — отметок нет",
    )
    count = serializers.IntegerField(min_value=0, help_text="число учтённых отметок")
    too_few = serializers.BooleanField(
        help_text="отметок меньше минимума для аттестации по положению школы"
    )
    predicted = serializers.CharField(
        allow_null=True, help_text="ожидаемая отметка за период по среднему; null — не из чего"
    )


class DiarySubjectMarkSerializer(DiaryMarkSerializer):
    date = serializers.DateField(help_text="дата урока")
    subject = serializers.CharField(help_text="предмет")
    topic = serializers.CharField(allow_blank=True, help_text="тема урока")
    weight = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text="вес вида работы (строка, например «1.00»)"
    )


class DiaryPeriodMarkSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="название периода")
    value = serializers.CharField(allow_blank=True, help_text="отметка; пусто — см. `notation`")
    notation = serializers.CharField(
        allow_blank=True, help_text="обозначение вместо отметки («н/а», «осв» и т. п.)"
    )
    deferred_until = serializers.DateField(
        allow_null=True, help_text="аттестация перенесена до этой даты; null — не переносилась"
    )


class DiaryYearMarkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(_labels(*YearMark.Kind), help_text="годовая или итоговая")
    value = serializers.CharField(allow_blank=True, help_text="отметка; пусто — см. `notation`")
    notation = serializers.CharField(allow_blank=True, help_text="обозначение вместо отметки")


class DiarySubjectSerializer(_AverageSerializer):
    child = serializers.CharField(help_text="ключ ребёнка")
    subject = DiarySubjectRefSerializer(help_text="предмет")
    period = DiaryPeriodSerializer(help_text="учебный период")
    marks = DiarySubjectMarkSerializer(many=True, help_text="отметки за период по порядку уроков")
    period_marks = DiaryPeriodMarkSerializer(
        many=True, help_text="выставленные отметки за периоды учебного года"
    )
    year_marks = DiaryYearMarkSerializer(many=True, help_text="годовая и итоговая отметки")


class DiarySummarySubjectSerializer(_AverageSerializer):
    subject = DiarySubjectRefSerializer(help_text="предмет")
    marks = serializers.ListField(
        child=serializers.CharField(), help_text="отметки за период по порядку уроков"
    )
    period_mark = serializers.CharField(
        allow_null=True,
        help_text="отметка (или обозначение) за период; null — ещё не выставлена",
    )
    missed = serializers.IntegerField(min_value=0, help_text="пропущено уроков")
    late = serializers.IntegerField(min_value=0, help_text="опозданий")


class DiaryLowMarkSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="дата урока")
    subject = serializers.CharField(help_text="предмет")
    value = serializers.CharField(help_text="отметка")
    topic = serializers.CharField(allow_blank=True, help_text="тема урока")
    work_type = serializers.CharField(help_text="вид работы")


class DiaryMissedLessonSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="дата урока")
    subject = serializers.CharField(help_text="предмет")
    code = serializers.CharField(help_text="причина пропуска (расшифровка кода посещаемости)")
    topic = serializers.CharField(
        allow_blank=True, help_text="тема пропущенного урока; пусто — не внесена"
    )


class DiarySummarySerializer(serializers.Serializer):
    child = serializers.CharField(help_text="ключ ребёнка")
    period = DiaryPeriodSerializer(help_text="учебный период")
    periods = DiaryPeriodRefSerializer(many=True, help_text="все периоды года для класса")
    subjects = DiarySummarySubjectSerializer(many=True, help_text="предметы по алфавиту")
    unsatisfactory = DiaryLowMarkSerializer(
        many=True, help_text="неудовлетворительные отметки периода с темами уроков"
    )
    missed_lessons = DiaryMissedLessonSerializer(
        many=True, help_text="пропущенные уроки периода с темами"
    )


class DiaryTeacherSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="предмет")
    teacher = serializers.CharField(help_text="фамилия, имя и отчество учителя")


class DiaryHolidaySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="название каникул")
    start = serializers.DateField(help_text="первый день")
    end = serializers.DateField(help_text="последний день")


class DiaryControlWorkSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=DATE)
    lesson = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="номер урока; null — не указан"
    )
    subject = serializers.CharField(help_text="предмет")
    form = serializers.ChoiceField(_labels(*ControlForm), help_text="форма контроля")
    title = serializers.CharField(allow_blank=True, help_text="тема")


class DiaryCardEventSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="дата начала")
    end_date = serializers.DateField(allow_null=True, help_text="дата окончания; null — один день")
    title = serializers.CharField(help_text="название")
    place = serializers.CharField(allow_blank=True, help_text="место")
    level = serializers.ChoiceField(_labels(*EventLevel), help_text="мероприятие класса или школы")


class DiaryExamChoiceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(_labels(*ExamKind), help_text="вид экзамена")
    subject = serializers.CharField(help_text="предмет")
    level = serializers.ChoiceField(
        _labels(ExamLevel.BASIC, ExamLevel.PROFILE),
        allow_blank=True,
        help_text="уровень; пусто — не выбирается",
    )
    status = serializers.ChoiceField(_labels(*ExamChoiceStatus), help_text="состояние заявления")


class DiaryRecommendationSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="дата рекомендации")
    subject = serializers.CharField(allow_blank=True, help_text="предмет; пусто — общая")
    text = serializers.CharField(help_text="рекомендация учителя")


class DiaryCardSerializer(serializers.Serializer):
    child = serializers.CharField(help_text="ключ ребёнка")
    class_teacher = serializers.CharField(
        allow_null=True, help_text="классный руководитель: ФИО; null — не назначен"
    )
    teachers = DiaryTeacherSerializer(many=True, help_text="учителя ребёнка по предметам")
    periods = DiaryPeriodSerializer(many=True, help_text="учебные периоды года")
    holidays = DiaryHolidaySerializer(many=True, help_text="каникулы текущего учебного года")
    control_works = DiaryControlWorkSerializer(
        many=True, help_text="график контрольных работ с сегодняшнего дня до конца года"
    )
    events = DiaryCardEventSerializer(many=True, help_text="ближайшие мероприятия (до 50)")
    exam_choices = DiaryExamChoiceSerializer(many=True, help_text="выбор экзаменов (ГИА)")
    recommendations = DiaryRecommendationSerializer(
        many=True, help_text="рекомендации учителей (последние 30)"
    )


# --- errors: the API's common body (otmetka.api.errors) ---------------------------------------


class DiaryErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="код для программ: `not_authenticated`, `permission_denied`, `not_found`, …"
    )
    detail = serializers.CharField(help_text="сообщение для человека")


class DiaryInvalidSerializer(DiaryErrorSerializer):
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='сообщения по параметрам запроса: `{"child": ["Укажите ребёнка."]}`',
    )


INVALID = OpenApiResponse(
    DiaryInvalidSerializer, description="неверный параметр запроса (`code`: `invalid`)"
)
NOT_SIGNED_IN = OpenApiResponse(
    DiaryErrorSerializer, description="не выполнен вход или неверный токен"
)
REFUSED = OpenApiResponse(DiaryErrorSerializer, description="нет прав на это действие")
FAMILY_ONLY = OpenApiResponse(
    DiaryErrorSerializer,
    description="дневник открыт только обучающимся и их законным представителям",
)
NOT_YOURS = OpenApiResponse(
    DiaryErrorSerializer,
    description="такого ребёнка нет среди детей вызывающего (или его нет вовсе: ответ один)",
)


def family_responses(answer, description: str, *, with_query: bool = True) -> dict:
    """The answers of a family endpoint: `answer` on success, then the errors; `with_query`:
    it reads query parameters (400) and may name a child that is not the caller's (404)."""
    responses = {200: OpenApiResponse(answer, description=description)}
    if with_query:
        responses[400] = INVALID
    responses |= {401: NOT_SIGNED_IN, 403: FAMILY_ONLY}
    if with_query:
        responses[404] = NOT_YOURS
    return responses
