"""JSON logs with a request id, Sentry (off unless a DSN is set), data residency."""

from django.core.exceptions import ImproperlyConfigured

from .cache import REDIS_URL
from .core import PRODUCTION
from .database import DATABASE_URL
from .env import env
from .storage import S3_ENDPOINT_URL

LOG_LEVEL = env.str("OTMETKA_LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("OTMETKA_LOG_FORMAT", default="json")  # json | text
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "services.observability.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "services.observability.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.server": {"level": "WARNING"},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production" if PRODUCTION else "dev")

# Data residency (RES-01/02): every external endpoint must be on the allowlist; in production a
# non-allowed endpoint stops the start.
RESIDENCY_ALLOWLIST = env.list(
    "OTMETKA_RESIDENCY_ALLOWLIST",
    default=[
        ".ru",
        ".xn--p1ai",  # .рф
        ".su",
        ".yandexcloud.net",
        ".yandex.net",
        ".vkcs.cloud",
        ".selcdn.ru",
        ".cluster.local",
    ],
)
EMAIL_HOST = env.str("OTMETKA_EMAIL_HOST", default="")
RESIDENCY_ENDPOINTS = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "OTMETKA_S3_ENDPOINT_URL": S3_ENDPOINT_URL,
    "SENTRY_DSN": SENTRY_DSN,
    "OTMETKA_EMAIL_HOST": EMAIL_HOST,
}

if PRODUCTION:
    from services.residency import residency_violations

    _violations = residency_violations(RESIDENCY_ENDPOINTS, RESIDENCY_ALLOWLIST)
    if _violations:
        raise ImproperlyConfigured(
            "Data residency check failed (RES-01/02): " + "; ".join(_violations)
        )
