from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "tenants.diary"
    label = "diary"
    verbose_name = "Электронный дневник"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from otmetka.region.models import CalendarDay

        from .week import days_off_forget

        # The week keeps the region's days off for a minute per process (week._days_off); a
        # write in this process is seen at once.
        post_save.connect(days_off_forget, sender=CalendarDay, dispatch_uid="diary-days-off")
        post_delete.connect(days_off_forget, sender=CalendarDay, dispatch_uid="diary-days-off-del")
