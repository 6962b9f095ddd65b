"""Error pages: JSON for the API, Russian pages for people."""

from django.shortcuts import render

from otmetka.api import errors as api_errors


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return api_errors.api_not_found(request)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if _is_api(request):
        from django.http import JsonResponse

        return JsonResponse({"code": "permission_denied", "detail": "Доступ запрещён."}, status=403)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        from django.http import JsonResponse

        return JsonResponse({"code": "bad_request", "detail": "Некорректный запрос."}, status=400)
    return render(request, "400.html", status=400)


def server_error(request):
    if _is_api(request):
        return api_errors.api_server_error(request)
    return render(request, "500.html", status=500)
