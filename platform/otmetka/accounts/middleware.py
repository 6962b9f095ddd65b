import time

from django.conf import settings


class SessionIdleMiddleware:
    """Keep an active session alive: re-save it (moving its expiry) at most once a minute, so
    the 30-minute idle timeout holds without a database write on every request."""

    key = "_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.key, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.key] = now
        return response


class RulesAcceptanceMiddleware:
    """PDN-08: a person who has not accepted the no-sharing rule sees it before any page.
    Sign-in, sign-out, activation, the rule itself, the API and static files pass."""

    allowed = ("/accounts/", "/static/", "/api/", "/healthz", "/readyz", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "rules_accepted_at", True) is None
            and not request.path.startswith(self.allowed)
        ):
            from django.shortcuts import redirect
            from django.utils.http import urlencode

            return redirect(f"/accounts/rules/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
