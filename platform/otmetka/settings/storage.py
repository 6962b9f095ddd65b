"""Object storage: S3-compatible endpoint in production, a folder under .var/ by default."""

from django.core.exceptions import ImproperlyConfigured

from .core import PRODUCTION, PROJECT_ROOT
from .env import env

S3_ENDPOINT_URL = env.str("OTMETKA_S3_ENDPOINT_URL", default="")
S3_BUCKET = env.str("OTMETKA_S3_BUCKET", default="otmetka")
S3_ACCESS_KEY_ID = env.str("OTMETKA_S3_ACCESS_KEY_ID", default="")
S3_SECRET_ACCESS_KEY = env.str("OTMETKA_S3_SECRET_ACCESS_KEY", default="")
S3_REGION = env.str("OTMETKA_S3_REGION", default="ru-central1")
OBJECTS_DIR = env.str("OTMETKA_OBJECTS_DIR", default=str(PROJECT_ROOT / ".var" / "objects"))

if PRODUCTION and not S3_ENDPOINT_URL:
    raise ImproperlyConfigured(
        "OTMETKA_PRODUCTION is on but OTMETKA_S3_ENDPOINT_URL is not set: production never keeps "
        "objects in a local folder."
    )
