from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "tenants.messaging"
    label = "messaging"
    verbose_name = "Сообщения"
