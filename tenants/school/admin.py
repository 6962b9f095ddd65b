"""The school's Django admin (school host), for the school's admin and director."""

from django.contrib import admin

from otmetka.accounts.caller import caller_for
from otmetka.accounts.roles import Scope
from otmetka.region.admin import GuardedAdminSite, ReadOnlyAdmin
from tenants.audit.models import AuditRecord


class SchoolAdminSite(GuardedAdminSite):
    site_header = "Отметка: администрирование школы"
    site_title = "Отметка"
    index_title = "Школа"

    def has_permission(self, request):
        return (
            request.user.is_active
            and getattr(request, "tenant", None) is not None
            and caller_for(request).has_any({Scope.SCHOOL_ADMIN})
        )


school_admin_site = SchoolAdminSite(name="school_admin")


@admin.register(AuditRecord, site=school_admin_site)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "action", "object_type", "object_id", "actor_id", "actor_role"]
    list_filter = ["action", "source"]
