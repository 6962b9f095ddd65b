"""Django core: apps, middleware, templates, i18n, time."""

from pathlib import Path

from .env import env

PROJECT_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

# Production flag: refuses embedded services, folder storage, debug and non-resident endpoints.
PRODUCTION = env.bool("OTMETKA_PRODUCTION", default=False)
DEBUG = env.bool("OTMETKA_DEBUG", default=False)

_DEV_SECRET = "otmetka-development-secret-key-not-for-production"  # noqa: S105
SECRET_KEY = env.str("OTMETKA_SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)

# Hosts: the region (ministry, support, guardians' diary) is served at the base domain, every
# school at <slug>.<base domain>.
BASE_DOMAIN = env.str("OTMETKA_BASE_DOMAIN", default="localhost").lower().strip(".")
ALLOWED_HOSTS = [BASE_DOMAIN, "." + BASE_DOMAIN, *env.list("OTMETKA_ALLOWED_HOSTS", default=[])]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver"]
PUBLIC_URL_SCHEME = env.str("OTMETKA_URL_SCHEME", default="https" if PRODUCTION else "http")
PUBLIC_PORT = env.int("OTMETKA_PUBLIC_PORT", default=0)  # 0: default port of the scheme

SHARED_APPS = [
    "django_tenants",
    "otmetka.region",
    "otmetka.accounts",
    "otmetka.audit",
    "otmetka.ministry",
    "otmetka.monitoring",
    "otmetka.notifications",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
# School-schema tables never hold foreign keys to public tables (they store ids): such a key
# would lock the public table while a school is created (see ADR 0001).
TENANT_APPS = [
    "django.contrib.contenttypes",
    "tenants.school",
    "tenants.audit",
    "tenants.configuration",
    "tenants.people",
    "tenants.timetable",
    "tenants.events",
    "tenants.journal",
    "tenants.diary",
    "tenants.messaging",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    "services.observability.requestid.RequestIdMiddleware",
    "otmetka.region.middleware.SchoolRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "otmetka.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "otmetka.accounts.middleware.RulesAcceptanceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "otmetka.urls_school"
PUBLIC_SCHEMA_URLCONF = "otmetka.urls_public"
WSGI_APPLICATION = "otmetka.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "otmetka.region.context_processors.platform",
            ],
        },
    }
]

# Russian first; message ids are Russian, catalogues for other languages go to LOCALE_PATHS.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; schools' local time zones are activated per request

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env.str("OTMETKA_STATIC_ROOT", default=str(PROJECT_ROOT / ".var" / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from finders in dev
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
