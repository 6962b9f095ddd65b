"""Redis: cache (school-scoped keys by default), routing cache, Celery broker."""

from django.core.exceptions import ImproperlyConfigured

from .core import PRODUCTION
from .env import env


def _redis_url() -> str:
    if env.is_set("REDIS_URL"):
        return env.str("REDIS_URL")
    if PRODUCTION:
        raise ImproperlyConfigured(
            "OTMETKA_PRODUCTION is on but REDIS_URL is not set: production never runs on the "
            "embedded Redis."
        )
    from otmetka import localservices

    from .database import EMBEDDED_SERVICES

    service = localservices.ensure_redis()
    if service.started_here:
        localservices.stop_at_exit(service)
        EMBEDDED_SERVICES.append(service)
    return service.url


REDIS_URL = _redis_url()
CACHE_KEY_PREFIX = env.str("OTMETKA_CACHE_PREFIX", default="otmetka")
CACHES = {
    # School-scoped: keys are prefixed with the current schema, so one school never reads
    # another's cached data.
    "default": {
        "BACKEND": "services.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
    },
    # Region-wide: host routing, login throttling; never holds school data.
    "global": {
        "BACKEND": "services.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX + ":g",
        "TIMEOUT": 3600,
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("OTMETKA_CELERY_EAGER", default=False)
