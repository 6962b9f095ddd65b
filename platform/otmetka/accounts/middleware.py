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
