"""E-mail and SMS transports of the diary's notifications (INT-05).

E-mail goes over SMTP (`OTMETKA_EMAIL_HOST` is read with the residency endpoints in
`observability`); SMS through the region's HTTP gateway, whose address is edited in the region's
admin. `log` transports send nothing and log only that a message was sent (development).
"""

from django.core.exceptions import ImproperlyConfigured

from .core import BASE_DOMAIN, PRODUCTION
from .env import env
from .observability import EMAIL_HOST

EMAIL_PORT = env.int("OTMETKA_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("OTMETKA_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("OTMETKA_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("OTMETKA_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("OTMETKA_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("OTMETKA_EMAIL_FROM", default=f"Отметка <noreply@{BASE_DOMAIN}>")

# production sends for real by default: without OTMETKA_EMAIL_HOST (or an SMS gateway in the
# region's admin) the outbox rows fail with a clear error rather than vanish into a log
NOTIFY_EMAIL_TRANSPORT = env.str(
    "OTMETKA_NOTIFY_EMAIL_TRANSPORT", default="smtp" if EMAIL_HOST or PRODUCTION else "log"
)
NOTIFY_SMS_TRANSPORT = env.str(
    "OTMETKA_NOTIFY_SMS_TRANSPORT", default="http" if PRODUCTION else "log"
)
NOTIFY_HTTP_TIMEOUT = env.int("OTMETKA_NOTIFY_HTTP_TIMEOUT", default=10)
NOTIFY_MAX_ATTEMPTS = env.int("OTMETKA_NOTIFY_MAX_ATTEMPTS", default=6)

if NOTIFY_EMAIL_TRANSPORT not in ("smtp", "log"):
    raise ImproperlyConfigured("OTMETKA_NOTIFY_EMAIL_TRANSPORT must be smtp or log.")
if NOTIFY_SMS_TRANSPORT not in ("http", "log"):
    raise ImproperlyConfigured("OTMETKA_NOTIFY_SMS_TRANSPORT must be http or log.")
if NOTIFY_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("OTMETKA_NOTIFY_MAX_ATTEMPTS must be at least 1.")
