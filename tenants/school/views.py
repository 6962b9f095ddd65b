"""The school's home page: the school, and what the caller can do here."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from otmetka.accounts.caller import caller_for
from otmetka.accounts.roles import Scope, role_label
from otmetka.region.routing import public_url


def home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    caller = caller_for(request)
    if not caller.school_roles:
        return render(
            request,
            "403.html",
            {"detail": "У вашей учётной записи нет доступа к этой школе."},
            status=403,
        )
    year = structures = None
    if caller.has_any({Scope.SETTINGS_READ}):
        from tenants.configuration import selectors as configuration

        year = configuration.academic_year_current()
        structures = list(configuration.period_structure_list(year=year)) if year else []
    return render(
        request,
        "school/home.html",
        {
            "year": year,
            "structures": structures,
            "caller": caller,
            "roles": [role_label(r) for r in sorted(caller.school_roles)],
            "can_admin": caller.has_any({Scope.SCHOOL_ADMIN}),
            "can_settings": caller.has_any({Scope.SETTINGS_READ}),
            "can_people": caller.has_any({Scope.PEOPLE_READ, Scope.CLASS_READ}),
            "can_timetable": caller.has_any({Scope.SETTINGS_READ}),
            "can_journal": caller.has_any({Scope.JOURNAL_READ}),
            "can_diary": caller.has_any({Scope.DIARY_RECEIPTS, Scope.PEOPLE_WRITE}),
            "region_url": public_url("/"),
        },
    )
