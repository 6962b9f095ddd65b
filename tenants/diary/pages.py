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
from django_tenants.utils import schema_context

from otmetka.accounts.caller import caller_for
from otmetka.accounts.models import User
from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from tenants.configuration.models import Subject
from tenants.people.models import SchoolClass

from . import child as one_child
from .family import family_of
from .models import DiaryView
from .receipts import receipts_record, receipts_visible
from .week import diary_week


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


def _child(request):
    child = request.family.child(request.GET.get("child", ""))
    if child is None:
        raise Http404
    return child


def _date(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@family_required
def week(request):
    day = _date(request.GET.get("date"))
    children = request.family.children
    key = request.GET.get("child")
    if key:
        children = [_child(request)]
    data = diary_week(children, day)
    receipts_record(
        children, user_id=request.user.pk, view=DiaryView.WEEK, ref=str(data["week"]["start"])
    )
    start = data["week"]["start"]
    return render(request, "diary/week.html", {
        "data": data, "family": request.family, "child_key": key or "",
        "previous": start - timedelta(days=7), "next": start + timedelta(days=7),
        "today": timezone.localdate(),
    })  # fmt: skip


def _period_param(request):
    value = request.GET.get("period", "")
    return int(value) if value.isdigit() else None


@family_required
def summary(request):
    child = _child(request)
    with schema_context(child.school.schema):
        period = one_child.period_for(child, _period_param(request), timezone.localdate())
        data = one_child.diary_summary(child, period) if period else None
    receipts_record([child], user_id=request.user.pk, view=DiaryView.PERIOD,
                    ref=str(period.pk if period else ""))  # fmt: skip
    return render(request, "diary/summary.html", {"child": child, "data": data})


@family_required
def subject(request):
    child = _child(request)
    value = request.GET.get("subject", "")
    with schema_context(child.school.schema):
        found = Subject.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if found is None:
            raise Http404
        period = one_child.period_for(child, _period_param(request), timezone.localdate())
        data = one_child.diary_subject(child, found, period) if period else None
    receipts_record([child], user_id=request.user.pk, view=DiaryView.SUBJECT, ref=str(found.pk))
    return render(request, "diary/subject.html", {"child": child, "data": data})


@family_required
def card(request):
    child = _child(request)
    with schema_context(child.school.schema):
        data = one_child.diary_card(child, timezone.localdate())
    receipts_record([child], user_id=request.user.pk, view=DiaryView.CARD)
    return render(request, "diary/card.html", {"child": child, "data": data})


@scope_required(Scope.DIARY_RECEIPTS)
def receipts(request):
    from rest_framework.exceptions import PermissionDenied

    try:
        rows = receipts_visible(request.caller).select_related("student")
    except PermissionDenied:
        return render(request, "403.html", status=403)
    cls = request.GET.get("class", "")
    if cls.isdigit():
        rows = rows.filter(student__class_memberships__school_class_id=int(cls))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    viewers = {u.pk: u.display_name for u in User.objects.filter(
        pk__in={r.user_id for r in page})}  # fmt: skip
    for receipt in page:
        receipt.viewer = viewers.get(receipt.user_id, "")
    return render(request, "diary/receipts.html", {
        "page": page, "class_id": cls,
        "classes": SchoolClass.objects.filter(year__is_current=True).order_by("grade", "letter"),
    })  # fmt: skip
