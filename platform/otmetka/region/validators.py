"""Validators for the region's reference data."""

import re
import zoneinfo

from django.core.exceptions import ValidationError

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"www", "api", "admin", "static", "media", "mail", "template", "public", "status"}


def validate_inn(value: str) -> None:
    """INN of an organisation: 10 digits with the check digit of the Federal Tax Service."""
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError("ИНН организации состоит из 10 цифр.", code="inn_format")
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(value[:9], weights, strict=True)) % 11 % 10
    if check != int(value[9]):
        raise ValidationError("Неверная контрольная цифра ИНН.", code="inn_checksum")


# The 11 time zones of the Russian Federation, west to east (IANA names).
RUSSIAN_TIME_ZONES = [
    ("Europe/Kaliningrad", "МСК−1 (Калининград)"),
    ("Europe/Moscow", "МСК (Москва)"),
    ("Europe/Samara", "МСК+1 (Самара)"),
    ("Asia/Yekaterinburg", "МСК+2 (Екатеринбург)"),
    ("Asia/Omsk", "МСК+3 (Омск)"),
    ("Asia/Krasnoyarsk", "МСК+4 (Красноярск)"),
    ("Asia/Irkutsk", "МСК+5 (Иркутск)"),
    ("Asia/Yakutsk", "МСК+6 (Якутск)"),
    ("Asia/Vladivostok", "МСК+7 (Владивосток)"),
    ("Asia/Magadan", "МСК+8 (Магадан)"),
    ("Asia/Kamchatka", "МСК+9 (Камчатка)"),
]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Неизвестный часовой пояс «{value}».", code="time_zone")


def validate_school_slug(value: str) -> None:
    if not SLUG_RE.fullmatch(value or ""):
        raise ValidationError(
            "Адрес школы: 3–40 символов, латинские строчные буквы, цифры и дефис; "
            "начинается с буквы.",
            code="slug_format",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(f"Адрес «{value}» зарезервирован.", code="slug_reserved")


def inn_with_checksum(first_nine: str) -> str:
    """Complete nine digits to a valid organisation INN (demo data and factories)."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(first_nine, weights, strict=True)) % 11 % 10
    return first_nine + str(check)
