"""Diary pages. On the region's host, for families (`/diary/…`): the week of every child (or
one), a subject, a period's summary and the card — phones first, the same selectors as the API.
On a school's host: `/diary/receipts/`, who opened which child's diary (DIA-05)."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from otmetka.accounts.caller import caller_for
from otmetka.accounts.models import User
from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from tenants.configuration.models import Subject
from tenants.people.models import SchoolClass

from . import child as one_child
from . import services
from .family import family_of
from .models import DiaryView
from .receipts import receipts_of_class, receipts_visible


def family_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "tenant", None) is not None:
            raise Http404  # the diary lives on the region's host
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        family = family_of(caller_for(request).user_id)
        if not family.has_diary_role:
            return render(request, "403.html", status=403)
        request.family = family
        return view(request, *args, **kwargs)

    return wrapper


def _date(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _period_param(request):
    value = request.GET.get("period", "")
    return int(value) if value.isdigit() else None


def _open(request, view: str, template: str, build):
    try:
        child, data = services.child_open(
            request.family, request.GET.get("child", ""), view, build,
            user_id=request.user.pk, channel="web",
        )  # fmt: skip
    except services.NotYourChild:
        raise Http404 from None
    return render(request, template, {"child": child, "data": data})


@family_required
def week(request):
    key = request.GET.get("child") or None
    try:
        data = services.week_open(
            request.family, day=_date(request.GET.get("date")), key=key,
            user_id=request.user.pk, channel="web",
        )  # fmt: skip
    except services.NotYourChild:
        raise Http404 from None
    start = data["week"]["start"]
    return render(request, "diary/week.html", {
        "data": data, "family": request.family, "child_key": key or "",
        "previous": start - timedelta(days=7), "next": start + timedelta(days=7),
        "today": timezone.localdate(),
    })  # fmt: skip


@family_required
def summary(request):
    def build(child):
        period = one_child.period_for(child, _period_param(request), timezone.localdate())
        return one_child.diary_summary(child, period) if period else None

    return _open(request, DiaryView.PERIOD, "diary/summary.html", build)


@family_required
def subject(request):
    value = request.GET.get("subject", "")

    def build(child):
        found = Subject.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if found is None:
            raise Http404
        period = one_child.period_for(child, _period_param(request), timezone.localdate())
        return one_child.diary_subject(child, found, period) if period else None

    return _open(request, DiaryView.SUBJECT, "diary/subject.html", build)


@family_required
def card(request):
    return _open(request, DiaryView.CARD, "diary/card.html",
                 lambda child: one_child.diary_card(child, timezone.localdate()))  # fmt: skip


@family_required
def homework_file(request, pk: int):
    from .api.files import file_response

    try:
        found = services.homework_file_open(request.family, request.GET.get("child", ""), pk)
    except services.NotYourChild:
        raise Http404 from None
    return file_response(found)


@scope_required(Scope.DIARY_RECEIPTS)
def receipts(request):
    from rest_framework.exceptions import PermissionDenied

    try:
        rows = receipts_visible(request.caller).select_related("student")
    except PermissionDenied:
        return render(request, "403.html", status=403)
    cls = request.GET.get("class", "")
    if cls.isdigit():
        rows = receipts_of_class(rows, int(cls))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    viewers = {u.pk: u.display_name for u in User.objects.filter(
        pk__in={r.user_id for r in page})}  # fmt: skip
    for receipt in page:
        receipt.viewer = viewers.get(receipt.user_id, "")
    return render(request, "diary/receipts.html", {
        "page": page, "class_id": cls,
        "classes": SchoolClass.objects.filter(year__is_current=True).order_by("grade", "letter"),
    })  # fmt: skip
