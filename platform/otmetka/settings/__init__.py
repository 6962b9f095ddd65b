"""Otmetka settings: per-topic modules, every value from the environment (see README).

`otmetka.settings.test` is the only override.
"""

from django.core.exceptions import ImproperlyConfigured

from .api import *  # noqa: F403
from .cache import *  # noqa: F403
from .core import *  # noqa: F403
from .database import *  # noqa: F403
from .notify import *  # noqa: F403
from .observability import *  # noqa: F403
from .security import *  # noqa: F403
from .storage import *  # noqa: F403

if PRODUCTION:  # noqa: F405
    if DEBUG:  # noqa: F405
        raise ImproperlyConfigured("OTMETKA_DEBUG must be off when OTMETKA_PRODUCTION is on.")
    if not SECRET_KEY:  # noqa: F405
        raise ImproperlyConfigured("OTMETKA_SECRET_KEY is required when OTMETKA_PRODUCTION is on.")
