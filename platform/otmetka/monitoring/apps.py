from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "otmetka.monitoring"
    label = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self) -> None:
        from django.conf import settings

        from services.observability.sentry import init_sentry

        init_sentry(settings.SENTRY_DSN, settings.SENTRY_ENVIRONMENT)
