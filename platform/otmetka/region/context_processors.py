from django.conf import settings

from .routing import public_url


def platform(request):
    return {
        "current_school": getattr(request, "tenant", None),
        "region_url": public_url("/"),
        "base_domain": settings.BASE_DOMAIN,
    }
