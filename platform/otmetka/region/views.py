"""The region's home page: what each role can do from here."""

from django.shortcuts import render

from otmetka.accounts.caller import caller_for
from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import Scope, role_label

from .routing import school_url
from .selectors import region_get


def home(request):
    caller = caller_for(request)
    memberships = []
    has_diary = False
    if caller.is_authenticated:
        rows = list(
            SchoolMembership.objects.filter(user_id=caller.user_id, is_active=True)
            .select_related("school")
            .order_by("school__short_name")
        )
        has_diary = any({"guardian", "student"} & set(m.roles) for m in rows)
        memberships = [
            {
                "school": m.school,
                "url": school_url(m.school.slug),
                "roles": [role_label(r) for r in m.roles],
            }
            for m in rows
            if set(m.roles) - {"guardian", "student"}  # staff work on the school's host
        ]
    return render(
        request,
        "region/home.html",
        {
            "region": region_get(),
            "caller": caller,
            "region_roles": [role_label(r) for r in sorted(caller.region_roles)],
            "can_see_schools": caller.has_any({Scope.SCHOOLS_READ}),
            "can_admin_region": caller.has_any({Scope.REGION_ADMIN}),
            "memberships": memberships,
            "has_diary": has_diary,
        },
    )
