"""Permission checks for pages: the same caller and scopes as the API."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .caller import caller_for


def scope_required(*scopes: str):
    """Let a signed-in caller holding any of `scopes` in; others get the login page or a 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            caller = caller_for(request)
            if not caller.has_any(scopes):
                return render(request, "403.html", status=403)
            request.caller = caller
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
