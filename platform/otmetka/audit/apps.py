from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "otmetka.audit"
    label = "region_audit"
    verbose_name = "Журнал аудита региона"
