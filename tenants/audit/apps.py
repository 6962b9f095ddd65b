from django.apps import AppConfig


class SchoolAuditConfig(AppConfig):
    name = "tenants.audit"
    label = "school_audit"
    verbose_name = "Журнал аудита школы"
