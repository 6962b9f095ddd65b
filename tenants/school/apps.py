from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "tenants.school"
    label = "school"
    verbose_name = "Школа"
