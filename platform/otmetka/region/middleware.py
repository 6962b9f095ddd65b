"""Routes every request to the region (public schema) or to one school's schema.

Replaces django-tenants' stock middleware, which queries domain → tenant on every request:
here the route comes from the routing cache, the connection's search path is switched only
when the school changes, and the school's status is enforced before any view runs:
a suspended school answers "suspended", an archived one refuses every write.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import connection
from django.http import HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .choices import SchoolStatus
from .models import School
from .routing import PUBLIC, SCHOOL, route_for_host

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Writes an archived school still accepts: signing in and out does not change school data.
ARCHIVED_WRITABLE_PATHS = ("/accounts/login/", "/accounts/logout/", "/api/v1/auth/")


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _refusal(request, *, status: int, code: str, title: str, detail: str):
    if _wants_json(request):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return render(
        request,
        "region/school_unavailable.html",
        {"title": title, "detail": detail, "code": code},
        status=status,
    )


class SchoolRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = route_for_host(request.get_host())
        request.route = route
        if route.kind == PUBLIC:
            if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
                connection.set_schema_to_public()
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            if route.time_zone:
                timezone.activate(zoneinfo.ZoneInfo(route.time_zone))
            else:
                timezone.deactivate()
            return self.get_response(request)
        if route.kind != SCHOOL:
            if _wants_json(request):
                return JsonResponse(
                    {"code": "school_not_found", "detail": "Школа с таким адресом не найдена."},
                    status=404,
                )
            return HttpResponseNotFound("Школа с таким адресом не найдена.")

        school = School(
            id=route.school_id,
            schema_name=route.schema_name,
            slug=route.slug,
            short_name=route.short_name,
            status=route.status,
            time_zone=route.time_zone,
        )
        if connection.schema_name != school.schema_name:
            connection.set_tenant(school)
        else:
            connection.tenant = school
        request.tenant = school
        request.urlconf = settings.ROOT_URLCONF
        timezone.activate(zoneinfo.ZoneInfo(route.time_zone))

        if request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if route.status == SchoolStatus.SUSPENDED:
            return _refusal(
                request,
                status=403,
                code="school_suspended",
                title="Работа школы приостановлена",
                detail=(
                    f"Доступ к «{route.short_name}» приостановлен региональным оператором. "
                    "Обратитесь в службу поддержки."
                ),
            )
        if (
            route.status == SchoolStatus.ARCHIVED
            and request.method not in SAFE_METHODS
            and not request.path.startswith(ARCHIVED_WRITABLE_PATHS)
        ):
            return _refusal(
                request,
                status=403,
                code="school_archived",
                title="Школа в архиве",
                detail=f"«{route.short_name}» в архиве: данные доступны только для чтения.",
            )
        return self.get_response(request)
