"""Django REST framework and the OpenAPI schema."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "otmetka.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "otmetka.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "otmetka.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Otmetka API",
    "DESCRIPTION": (
        "Электронный журнал и дневник региона. The region API is served at the base domain, "
        "each school's API at <slug>.<base domain>. Authenticate with `Authorization: Token <key>` "
        "from POST /api/v1/auth/tokens/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files: no CDN outside the RF (RES-01).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DeliveryMethodEnum": "tenants.diary.models.DeliveryMethod",
        "ExtractKindEnum": "tenants.diary.models.ExtractKind",
        "DiaryChildRoleEnum": "tenants.diary.api.schema.CHILD_ROLES",
        "RoleEnum": "tenants.messaging.models.ThreadRole",
        "GroupKindEnum": "tenants.people.choices.GroupKind",
        "LocalActKindEnum": "tenants.configuration.choices.LocalActKind",
        "PeriodKindEnum": "tenants.configuration.choices.PeriodKind",
        "GradingKindEnum": "tenants.configuration.choices.GradingKind",
        "ExamKindEnum": "tenants.events.choices.ExamKind",
        "ExamLevelEnum": "tenants.events.choices.ExamLevel",
        "EventLevelEnum": "tenants.events.choices.EventLevel",
        "ExamChoiceStatusEnum": "tenants.events.choices.ExamChoiceStatus",
    },
}
