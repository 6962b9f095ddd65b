"""One error body for every API answer that is not a success.

    {"code": "invalid", "detail": "Проверьте введённые данные.", "fields": {"inn": ["…"]}}

`code` is stable for programs; `detail` is for people; `fields` appears on validation errors.
Django's ValidationError raised by services is turned into a 400 with field messages too.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("otmetka.api")

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail) -> list[str]:
    if isinstance(detail, list):
        out: list[str] = []
        for item in detail:
            out += _flatten(item)
        return out
    if isinstance(detail, dict):
        out = []
        for value in detail.values():
            out += _flatten(value)
        return out
    return [str(detail)]


def field_messages(detail, prefix: str = "") -> dict:
    """Field messages under flat keys: `calendar.start`, `periods[1].end` — the same keys the
    services use, so a client and the pages place every message next to its input."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):  # DRF reports rows of a list by index
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            if prefix and key == "non_field_errors":
                name = prefix
            out.update(field_messages(value, name))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for i, item in enumerate(detail):
            if item:
                out.update(field_messages(item, f"{prefix}[{i}]"))
        return out
    return {prefix or "non_field_errors": _flatten(detail)}


def django_validation_fields(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if key == "__all__" else key): [str(m) for m in messages]
            for key, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_fields(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Не найдено.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "invalid",
            "detail": "Проверьте введённые данные.",
            "fields": field_messages(exc.detail),
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str) and codes not in {"error", "invalid"}:
            code = codes
        body = {"code": code, "detail": " ".join(_flatten(detail))}
    response.data = body
    return response


def problem(status_code: int, code: str, detail: str, **extra) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=status_code)


# Django-level handlers for /api/ paths that no view matched, and for crashes.


def api_not_found(request, exception=None):
    return JsonResponse({"code": "not_found", "detail": "Не найдено."}, status=404)


def api_server_error(request):
    return JsonResponse(
        {
            "code": "server_error",
            "detail": "Внутренняя ошибка. Мы уже знаем о ней; повторите попытку позже.",
            "request_id": getattr(request, "request_id", ""),
        },
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
