from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "otmetka.region"
    label = "region"
    verbose_name = "Регион и школы"
