"""The regulation's settings (CFG-10, §C: X-01…X-17, N-02): keys, defaults, allowed ranges.

A pure module, used by the school (versioned values) and by the region's templates (defaults and
narrowed ranges). Values are JSON-friendly: int, bool, str; decimals travel as strings; dates
within a year as "MM-DD"; time intervals as "HH:MM-HH:MM".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

SCHOOL = "school"  # a school may change it (within the region's range)
REGION = "region"  # set by the ministry in its template only

INT, BOOL, CHOICE, DECIMAL, MONTH_DAY, TIME_RANGE, TEXT = (
    "int",
    "bool",
    "choice",
    "decimal",
    "month_day",
    "time_range",
    "text",
)


@dataclass(frozen=True)
class Setting:
    key: str
    ref: str  # the catalogue entry, e.g. "X-04"
    label: str
    kind: str
    default: Any
    minimum: Any = None
    maximum: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    scope: str = SCHOOL
    unit: str = ""

    def describe_range(self) -> str:
        if self.kind == CHOICE:
            return "одно из: " + ", ".join(label for _, label in self.choices)
        if self.kind == BOOL:
            return "да или нет"
        if self.kind == TEXT:
            return "непустой текст до 300 знаков"
        if self.kind == MONTH_DAY:
            return f"от {_day_label(self.minimum)} до {_day_label(self.maximum)}"
        if self.kind == TIME_RANGE:
            return f"внутри интервала {self.minimum}–{self.maximum}"
        unit = f" {self.unit}" if self.unit else ""
        return f"от {self.minimum} до {self.maximum}{unit}"

    def display(self, value: Any) -> str:
        """The value as a person reads it: «да», «ежегодно», «5.09», «7 дн.»."""
        if self.kind == BOOL:
            return "да" if value else "нет"
        if self.kind == CHOICE:
            return dict(self.choices).get(value, str(value))
        if self.kind == MONTH_DAY and isinstance(value, str) and MONTH_DAY_RE.match(value):
            return _day_label(value)
        if self.kind == TIME_RANGE and isinstance(value, str):
            return value.replace("-", "–")
        return f"{value} {self.unit}".strip()

    def check(self, value: Any) -> tuple[Any, str | None]:
        """The value in its canonical form, or an error naming the allowed range."""
        error = f"Допустимо {self.describe_range()}."
        try:
            canonical = _CANONICAL[self.kind](self, value)
        except (TypeError, ValueError, InvalidOperation):
            return None, error
        if canonical is None:
            return None, error
        return canonical, None

    def narrowed(self, minimum: Any, maximum: Any) -> Setting:
        """The setting with a region's narrower range; refuses a range that is not inside."""
        low, low_error = self.check(minimum)
        high, high_error = self.check(maximum)
        if low_error or high_error or _key(self, low) > _key(self, high):
            raise ValueError(f"Диапазон для «{self.label}» должен лежать {self.describe_range()}.")
        return replace(self, minimum=low, maximum=high)


def _day_label(month_day: str) -> str:
    month, day = month_day.split("-")
    return f"{int(day)}.{month}"


def _key(setting: Setting, value: Any) -> Any:
    return Decimal(value) if setting.kind == DECIMAL else value


def _int(setting: Setting, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    number = int(value)
    return number if setting.minimum <= number <= setting.maximum else None


def _decimal(setting: Setting, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        return None
    ok = Decimal(setting.minimum) <= number <= Decimal(setting.maximum)
    return str(number.quantize(Decimal("0.01"))) if ok else None


def _bool(setting: Setting, value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _choice(setting: Setting, value: Any) -> str | None:
    return value if value in {code for code, _ in setting.choices} else None


MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
TIME_RANGE_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def _month_day(setting: Setting, value: Any) -> str | None:
    if not isinstance(value, str) or not MONTH_DAY_RE.match(value):
        return None
    return value if setting.minimum <= value <= setting.maximum else None


def _time_range(setting: Setting, value: Any) -> str | None:
    if not isinstance(value, str) or not TIME_RANGE_RE.match(value):
        return None
    start, end = value.split("-")
    low, high = setting.minimum, setting.maximum
    return value if low <= start < end <= high else None


def _text(setting: Setting, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 300:
        return None
    return value.strip()


_CANONICAL = {
    INT: _int,
    DECIMAL: _decimal,
    BOOL: _bool,
    CHOICE: _choice,
    MONTH_DAY: _month_day,
    TIME_RANGE: _time_range,
    TEXT: _text,
}

DAYS, MINUTES, LESSONS, YEARS, PER_WEEK = "дн.", "мин", "уроков", "лет", "раз в неделю"

SETTINGS: tuple[Setting, ...] = (
    Setting("setup_deadline", "X-01", "Срок завершения настройки ЭЖ", MONTH_DAY, "09-05",
            "08-15", "09-05"),
    Setting("homework_due_minutes_after_last_lesson", "X-02",
            "Домашнее задание — не позже чем через … после последнего урока класса", INT, 90, 0,
            720, unit=MINUTES),
    Setting("period_mark_window_open_days", "X-04",
            "Окно выставления отметок за период открывается за … до конца периода", INT, 7, 3, 14,
            unit=DAYS),
    Setting("period_mark_due_days_before_end", "X-04",
            "Отметки за период — не позже чем за … до конца периода", INT, 0, 0, 7, unit=DAYS),
    Setting("downgrade_notice_lessons_before_end", "X-04",
            "Предупреждение о снижении отметки — за … до конца периода", INT, 3, 1, 5,
            unit=LESSONS),
    Setting("teacher_lock_on_period_marks", "X-05",
            "Выставление отметки за период закрывает журнал для учителя", BOOL, True),
    Setting("period_auto_close_days_after_end", "X-05",
            "Период закрывается автоматически через … после окончания", INT, 5, 0, 30, unit=DAYS),
    Setting("journal_print_policy", "X-06", "Печать журнала", CHOICE, "annual",
            choices=(("annual", "ежегодно"), ("per_period", "по периодам"),
                     ("both", "по периодам и ежегодно"))),
    Setting("journal_print_deadline", "X-06", "Срок ежегодной печати журнала", MONTH_DAY,
            "06-30", "05-25", "06-30"),
    Setting("paper_copies_required", "X-06", "Нужны бумажные копии журнала", BOOL, True),
    Setting("maintenance_window", "X-08", "Окно регламентных работ (местное время)", TIME_RANGE,
            "02:00-06:00", "02:00", "06:00", scope=REGION),
    Setting("paper_extract_interval_days", "X-09", "Бумажная выписка для родителей — раз в …",
            INT, 7, 1, 7, unit=DAYS),
    Setting("credential_handover_role", "X-11", "Кто передаёт логины ученикам и родителям",
            CHOICE, "class_teacher",
            choices=(("class_teacher", "классный руководитель"),
                     ("school_admin", "администратор ЭЖ"))),
    Setting("staff_access_revoke_days", "X-12", "Доступ уволенного сотрудника закрывается за",
            INT, 1, 0, 2, unit=DAYS),
    Setting("staff_access_grant_days", "X-12", "Доступ нового сотрудника открывается за", INT,
            1, 0, 3, unit=DAYS),
    Setting("min_age_independent_application", "X-14",
            "Возраст, с которого ученик сам подаёт заявление на доступ", INT, 14, 14, 18,
            unit=YEARS),
    Setting("backup_min_per_week", "X-15", "Резервные копии не реже", INT, 7, 2, 7,
            scope=REGION, unit=PER_WEEK),
    Setting("public_service_name", "X-16", "Наименование услуги", TEXT,
            "Предоставление информации о текущей успеваемости учащегося, ведение электронного "
            "дневника и электронного журнала успеваемости", scope=REGION),
    Setting("staff_request_review_days", "X-17", "Срок рассмотрения обращения сотрудника", INT,
            3, 1, 3, unit=DAYS),
    Setting("guardian_request_review_days", "X-17", "Срок рассмотрения обращения родителя", INT,
            5, 1, 5, unit=DAYS),
    Setting("access_grant_working_days", "X-17", "Срок предоставления доступа к ЭД", INT, 10, 1,
            10, unit="раб. дн."),
    Setting("rounding_threshold", "N-02",
            "Порог округления прогнозной отметки (дробная часть)", DECIMAL, "0.50", "0.50",
            "0.70"),
    Setting("min_marks_per_period", "N-02", "Предупреждать, если отметок за период меньше",
            INT, 3, 1, 10),
)  # fmt: skip

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def effective_settings(ranges: dict[str, list]) -> dict[str, Setting]:
    """The registry with a template's narrowed ranges applied (invalid narrowings ignored)."""
    result = dict(BY_KEY)
    for key, (low, high) in ranges.items():
        if key in result:
            try:
                result[key] = result[key].narrowed(low, high)
            except ValueError:
                continue
    return result


def defaults() -> dict[str, Any]:
    return {s.key: s.default for s in SETTINGS}
