from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "tenants.diary"
    label = "diary"
    verbose_name = "Электронный дневник"
