from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "otmetka.notifications"
    label = "notifications"
    verbose_name = "Уведомления дневника"
