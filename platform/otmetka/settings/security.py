"""Identity, sessions, passwords, login throttling (N-17)."""

from .core import PRODUCTION
from .env import env

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout (N-17): a session lives 30 minutes after the last request. The session is
# re-saved at most once a minute (SessionIdleMiddleware), not on every request.
SESSION_COOKIE_AGE = env.int("OTMETKA_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "global"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Lockout after repeated failed logins per account, and a rate limit per client address.
LOGIN_MAX_FAILURES = env.int("OTMETKA_LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("OTMETKA_LOGIN_LOCKOUT_SECONDS", default=15 * 60)
LOGIN_RATE_PER_ADDRESS = env.int("OTMETKA_LOGIN_RATE_PER_ADDRESS", default=30)  # per minute

API_TOKEN_TTL_DAYS = env.int("OTMETKA_API_TOKEN_TTL_DAYS", default=30)
