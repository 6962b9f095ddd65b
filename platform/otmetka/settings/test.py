"""Test settings: the same stack (real PostgreSQL, real Redis), faster hashing, eager tasks."""

import os

from otmetka.settings import *  # noqa: F403

# Fast hashing for tests; PBKDF2 stays known for users a real server (page tests) must verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOG_FORMAT = "text"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405

# Each test run gets its own cache key space on a shared Redis.
_run = os.environ.get("OTMETKA_TEST_RUN_ID", str(os.getpid()))
for _alias in CACHES.values():  # noqa: F405
    _alias["KEY_PREFIX"] = f"test{_run}:" + _alias["KEY_PREFIX"]
OBJECTS_DIR = os.environ.get("OTMETKA_OBJECTS_DIR", "") or str(
    PROJECT_ROOT / ".var" / "test-objects" / _run  # noqa: F405
)
