"""The region's admin: the SMS gateway (INT-05, edited through the service: residency check and
audit), and the outbox for operations (kinds, statuses, errors; no addresses, no content)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from otmetka.audit.context import AuditContext
from otmetka.region.admin import ReadOnlyAdmin, region_admin_site

from . import services
from .models import Notification, TransportSettings
from .validators import gateway_url_problems


class TransportSettingsForm(forms.ModelForm):
    sms_gateway_url = forms.URLField(
        label="Адрес СМС-шлюза",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="POST с JSON {to, text, sender, reference}. Сервер — в РФ "
        "(список OTMETKA_RESIDENCY_ALLOWLIST).",
    )
    sms_gateway_token = forms.CharField(
        label="Ключ доступа к шлюзу",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Не показывается. Оставьте пустым, чтобы не менять.",
    )
    clear_token = forms.BooleanField(label="Удалить ключ", required=False)

    class Meta:
        model = TransportSettings
        fields = ["sms_gateway_url", "sms_gateway_token", "sms_sender"]

    def clean_sms_gateway_url(self):
        url = (self.cleaned_data.get("sms_gateway_url") or "").strip()
        problems = gateway_url_problems(url)
        if problems:
            raise ValidationError(problems)
        return url


@admin.register(TransportSettings, site=region_admin_site)
class TransportSettingsAdmin(admin.ModelAdmin):
    form = TransportSettingsForm
    change_form_template = "notifications/admin/change_form.html"
    change_list_template = "notifications/admin/change_list.html"
    list_display = ["__str__", "sms_gateway_url", "sms_sender", "updated_at"]

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return (
            self.admin_site.has_permission(request)
            and not TransportSettings.objects.filter(pk=1).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        token = "" if data.get("clear_token") else (data.get("sms_gateway_token") or None)
        saved = services.transport_settings_save(
            ctx=AuditContext.from_request(request, role="platform_operator"),
            url=data.get("sms_gateway_url", ""),
            sender=data.get("sms_sender", ""),
            token=token,
        )
        obj.pk = saved.pk


@admin.register(Notification, site=region_admin_site)
class NotificationAdmin(ReadOnlyAdmin):
    change_form_template = "notifications/admin/change_form.html"
    change_list_template = "notifications/admin/change_list.html"
    list_display = ["id", "kind", "channel", "schema", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    fields = ["kind", "channel", "schema", "status", "attempts", "last_error", "due_at",
              "created_at", "sent_at"]  # fmt: skip
    readonly_fields = fields
