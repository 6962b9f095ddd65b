"""Signing in and out on any host (the region or a school)."""

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .api.views import client_address


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    error = ""
    status = 200
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        try:
            user = services.login_check(
                username=username,
                password=request.POST.get("password", "")[:256],
                address=client_address(request),
            )
        except services.LoginLocked as locked:
            error, status = locked.message, 429
        except services.LoginRefused as refused:
            error, status = refused.message, 400
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "home")
    return render(
        request,
        "accounts/login.html",
        {"error": error, "next": next_url, "username": username},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def activate_view(request):
    """First sign-in with the code from the credentials letter: set a password, accept the
    no-sharing rule (PDN-08), and you are in."""
    from django.core.exceptions import ValidationError

    from .activation import account_activate

    errors: dict = {}
    username = request.POST.get("username", request.GET.get("login", ""))[:150]
    if request.method == "POST":
        password = request.POST.get("password", "")[:256]
        if password != request.POST.get("password2", "")[:256]:
            errors = {"password2": ["Пароли не совпадают."]}
        else:
            try:
                user = account_activate(
                    username=username,
                    code=request.POST.get("code", "")[:20],
                    password=password,
                    accept_rules=request.POST.get("accept_rules") == "on",
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("home")
    return render(
        request,
        "accounts/activate.html",
        {"errors": errors, "username": username},
        status=400 if errors else 200,
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def rules_view(request):
    """PDN-08: accept the no-sharing rule and its liability (once), then go on."""
    from django.contrib.auth.views import redirect_to_login

    from .activation import rules_accept

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    error = ""
    if request.method == "POST":
        if request.POST.get("accept_rules") == "on":
            rules_accept(user=request.user)
            return redirect(next_url or "home")
        error = "Подтвердите, что не будете передавать логин и пароль."
    return render(
        request,
        "accounts/rules.html",
        {"error": error, "next": next_url},
        status=400 if error else 200,
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def compromised_view(request):
    """PDN-09, AUD-05: the person reports that their credentials may be known to someone else:
    the account is blocked at once, the time T is recorded for the director and support."""
    from django.contrib.auth.views import redirect_to_login

    from .activation import credentials_compromised

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        incident = credentials_compromised(
            user=request.user, note=request.POST.get("note", "")[:500]
        )
        logout(request)
        return render(request, "accounts/compromised_done.html", {"incident": incident})
    return render(request, "accounts/compromised.html")
