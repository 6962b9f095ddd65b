"""The region's Django admin (public host), for platform operators."""

from functools import update_wrapper

from django.contrib import admin
from django.shortcuts import render

from otmetka.accounts.caller import caller_for
from otmetka.accounts.models import ApiToken, SchoolMembership, User
from otmetka.accounts.roles import Scope
from otmetka.audit.models import RegionAuditRecord

from .models import CalendarDay, Domain, Municipality, Region, School


class GuardedAdminSite(admin.AdminSite):
    """A signed-in user without access gets a 403, not the admin's login form."""

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                return render(request, "403.html", status=403)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)


class RegionAdminSite(GuardedAdminSite):
    site_header = "Отметка: администрирование региона"
    site_title = "Отметка"
    index_title = "Регион"

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def public(request, *args, **kwargs):
            # On the region's host request.tenant is None (otmetka.region.middleware);
            # django-tenants' admin templates read request.tenant.schema_name unless the
            # attribute is absent, so it is removed for the admin's pages.
            if hasattr(request, "tenant") and request.tenant is None:
                del request.tenant
            return guarded(request, *args, **kwargs)

        return update_wrapper(public, view)

    def has_permission(self, request):
        return (
            request.user.is_active
            and getattr(request, "tenant", None) is None
            and (request.user.is_superuser or caller_for(request).has_any({Scope.REGION_ADMIN}))
        )


region_admin_site = RegionAdminSite(name="region_admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes go through services (validation + audit); the admin shows, it does not edit."""

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region, site=region_admin_site)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "default_time_zone"]


@admin.register(CalendarDay, site=region_admin_site)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]


@admin.register(Municipality, site=region_admin_site)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "time_zone"]
    search_fields = ["name", "code"]


@admin.register(School, site=region_admin_site)
class SchoolAdmin(ReadOnlyAdmin):
    list_display = ["short_name", "slug", "inn", "municipality", "status", "created_at"]
    list_filter = ["status", "municipality"]
    search_fields = ["short_name", "full_name", "inn", "slug"]


@admin.register(Domain, site=region_admin_site)
class DomainAdmin(ReadOnlyAdmin):
    list_display = ["domain", "tenant", "is_primary"]


@admin.register(User, site=region_admin_site)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "status", "region_roles", "date_joined", "last_login"]
    list_filter = ["status"]
    search_fields = ["username"]
    exclude = ["password"]


@admin.register(SchoolMembership, site=region_admin_site)
class SchoolMembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "school", "roles", "is_active"]
    list_filter = ["is_active", "school"]


@admin.register(ApiToken, site=region_admin_site)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at"]
    exclude = ["key_hash"]


@admin.register(RegionAuditRecord, site=region_admin_site)
class RegionAuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "action", "object_type", "object_id", "actor_id", "actor_role"]
    list_filter = ["action", "source"]
