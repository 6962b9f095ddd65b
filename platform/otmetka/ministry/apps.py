from django.apps import AppConfig


class MinistryConfig(AppConfig):
    name = "otmetka.ministry"
    label = "ministry"
    verbose_name = "Министерство"
