"""Pages on the region's host: `/diary/notifications/` (the account's own subscription, phones
first) and `/diary/notifications/unsubscribe/<token>/` (the link in every e-mail: works without
signing in; GET asks, POST unsubscribes, so a mail scanner opening the link changes nothing;
mail clients' one-click POST (RFC 8058) works too)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from otmetka.accounts.caller import caller_for
from otmetka.audit.context import AuditContext, Source
from tenants.diary.family import family_of

from . import services
from .forms import SubscriptionForm
from .selectors import subscription_view


@never_cache
@require_http_methods(["GET", "POST"])
def subscription(request):
    if getattr(request, "tenant", None) is not None:
        raise Http404  # families' pages live on the region's host
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not family_of(caller_for(request).user_id).has_diary_role:
        return render(request, "403.html", status=403)
    user = request.user
    current = subscription_view(user)
    status = 200
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.subscription_save(
                    ctx=AuditContext.from_request(request, role=services.diary_role(user.pk)),
                    user=user,
                    data=services.SubscriptionInput(**form.cleaned_data),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Настройки уведомлений сохранены.")
                return redirect("notifications:subscription")
        status = 400
    else:
        form = SubscriptionForm(
            initial={k: v for k, v in current.items() if k in SubscriptionForm.base_fields}
        )
    return render(
        request, "notifications/subscription.html",
        {"form": form, "children": current["children"], "saved": current["saved"]},
        status=status,
    )  # fmt: skip


@never_cache
@csrf_exempt  # the signed token is the credential; mail clients post without a CSRF cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if getattr(request, "tenant", None) is not None:
        raise Http404
    user_id = services.unsubscribe_user(token)
    if user_id is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        ctx = AuditContext(
            actor_id=user_id,
            actor_role=services.diary_role(user_id),
            source=Source.PAGE,
            request_id=getattr(request, "request_id", ""),
        )
        services.subscription_unsubscribe(ctx=ctx, user_id=user_id)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token})
