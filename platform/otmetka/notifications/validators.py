"""Checks of what a guardian or the region's admin enters: a Russian mobile number, and an SMS
gateway whose host is inside the Russian Federation (RES-01/02)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings

from services.residency import endpoint_host, host_allowed

PHONE = re.compile(r"^\+7\d{10}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def phone_normalise(value: str) -> str:
    """`+7XXXXXXXXXX` from what people type: spaces, dashes and brackets dropped, a leading 8
    read as +7. The result may still be invalid: check it with `phone_valid`."""
    phone = _SEPARATORS.sub("", value or "")
    if re.fullmatch(r"8\d{10}", phone):
        phone = "+7" + phone[1:]
    return phone


def phone_valid(phone: str) -> bool:
    return bool(PHONE.match(phone))


PHONE_MESSAGE = "Номер мобильного телефона в России: +7 и 10 цифр."


def gateway_url_problems(url: str) -> list[str]:
    """Why an SMS gateway URL may not be used (empty: it may). http(s) only; the host on the
    region's residency allowlist or internal to the deployment; loopback only outside
    production; https in production (the token travels with every request)."""
    url = (url or "").strip()
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ["Адрес шлюза: http:// или https:// и имя сервера."]
    if settings.PRODUCTION and parts.scheme != "https":
        return ["В рабочем режиме шлюз подключается только по https://."]
    host = endpoint_host(url) or ""
    if _loopback(host) and settings.PRODUCTION:
        return ["Адрес этого же сервера (loopback) допустим только вне рабочего режима."]
    if not host_allowed(host, settings.RESIDENCY_ALLOWLIST):
        return [
            f"Сервер «{host}» не входит в список разрешённых (OTMETKA_RESIDENCY_ALLOWLIST): "
            "персональные данные не должны покидать Российскую Федерацию (RES-01/02)."
        ]
    return []


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
