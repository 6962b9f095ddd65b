"""Messaging pages (DIA-08), on the same services and selectors as the API.

On the region's host, for families (`/diary/messages/…`, phones first): the threads of every
child, a thread with a reply form, a new message choosing the child and the recipient. On a
school's host, for staff (`/messages/…`): own threads with unread counts (the director: every
thread, and buttons to hide or restore a message), a thread, a new message about a student.
"""

from __future__ import annotations

import functools

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.pages import scope_required
from otmetka.audit.context import AuditContext, Source
from tenants.diary.pages import family_required
from tenants.diary.services import NotYourChild, child_of
from tenants.people.models import Student

from . import selectors, services
from .access import FAMILY, STAFF, Actor
from .api.views import STAFF_SCOPES, file_response


def _refusals(view):
    """A refusal from a service (403) rendered as the site's 403 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refused:
            return render(request, "403.html", {"detail": str(refused.detail)}, status=403)

    return wrapper


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in value] for key, value in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _uploads(request) -> list[services.Upload]:
    return services.uploads_read(request.FILES.getlist("files"))


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 18]


# --- families, on the region's host


def _child(request, key: str):
    try:
        return child_of(request.family, key)
    except NotYourChild:
        raise Http404 from None


def _family_actor(request) -> Actor:
    return Actor(request.user.pk, FAMILY)


@family_required
def family_threads(request):
    key = request.GET.get("child") or ""
    children = [_child(request, key)] if key else request.family.children
    found = selectors.family_threads(children, request.user.pk)
    return render(request, "messaging/family_threads.html", {
        "family": request.family, "child_key": key, "threads": found.threads,
        "unread_total": found.unread_total,
    })  # fmt: skip


@family_required
@_refusals
def family_new(request):
    key = request.POST.get("child") or request.GET.get("child") or ""
    if not key and len(request.family.children) == 1:
        key = request.family.children[0].key
    if not key:
        return render(request, "messaging/family_new.html", {"family": request.family})
    child = _child(request, key)
    errors: dict = {}
    with schema_context(child.school.schema):
        student = Student.objects.get(pk=child.student_id)
        recipients = services.recipients_for(actor=_family_actor(request), student=student)
        if request.method == "POST":
            try:
                thread = services.thread_start(
                    actor=_family_actor(request), student=student,
                    subject=request.POST.get("subject", ""), body=request.POST.get("body", ""),
                    recipients=_ids(request.POST.getlist("recipient")), files=_uploads(request),
                )  # fmt: skip
            except ValidationError as error:
                errors = _errors(error)
            else:
                flash.success(request, "Сообщение отправлено.")
                return redirect("diary-messages:thread", key=child.key, pk=thread.pk)
    return render(request, "messaging/family_new.html", {
        "family": request.family, "child": child, "recipients": recipients, "errors": errors,
        "form": request.POST,
    }, status=400 if errors else 200)  # fmt: skip


@family_required
@_refusals
def family_thread(request, key: str, pk: int):
    child = _child(request, key)
    actor = _family_actor(request)
    errors: dict = {}
    with schema_context(child.school.schema):
        if request.method == "POST":
            thread = selectors.thread_get(pk, child.student_id)
            try:
                services.message_post(
                    actor=actor, thread=thread, body=request.POST.get("body", ""),
                    files=_uploads(request),
                )  # fmt: skip
            except ValidationError as error:
                errors = _errors(error)
            else:
                return redirect("diary-messages:thread", key=child.key, pk=pk)
        page = selectors.thread_page(actor, pk, student_id=child.student_id)
        data = selectors.thread_json(page)
        services.thread_mark_read(access=page.access, up_to=page.last_id)
    return render(request, "messaging/family_thread.html", {
        "child": child, "thread": data, "errors": errors, "form": request.POST,
    }, status=400 if errors else 200)  # fmt: skip


@family_required
@_refusals
def family_file(request, key: str, pk: int):
    child = _child(request, key)
    with schema_context(child.school.schema):
        attachment = selectors.attachment_get(
            _family_actor(request), pk, student_id=child.student_id
        )
        return file_response(attachment)


# --- staff, on a school's host


def _staff_actor(request) -> Actor:
    return Actor(request.user.pk, STAFF)


def staff_page(view):
    return scope_required(*STAFF_SCOPES)(_refusals(view))


@staff_page
def staff_threads(request):
    actor = _staff_actor(request)
    everything = request.GET.get("all") == "1"
    threads = selectors.staff_threads(actor, everything=everything)
    page = Paginator(threads.values_list(*selectors.LIST_COLUMNS), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/staff_threads.html", {
        "page": page, "rows": [selectors.thread_row(row) for row in page],
        "unread_total": selectors.staff_unread_total(actor), "everything": everything,
        "moderator": selectors.staff_member(request.user.pk).is_moderator,
    })  # fmt: skip


@staff_page
def staff_new(request):
    actor = _staff_actor(request)
    value = request.POST.get("student") or request.GET.get("student") or ""
    students = selectors.students_for_staff(actor)
    chosen = _ids([value])
    student = students.filter(pk=chosen[0]).first() if chosen else None
    errors: dict = {}
    recipients = []
    if student is not None:
        recipients = services.recipients_for(actor=actor, student=student)
        if request.method == "POST":
            try:
                thread = services.thread_start(
                    actor=actor, student=student, subject=request.POST.get("subject", ""),
                    body=request.POST.get("body", ""),
                    recipients=_ids(request.POST.getlist("recipients")),
                    all_guardians=request.POST.get("all_guardians") == "1",
                    files=_uploads(request),
                )  # fmt: skip
            except ValidationError as error:
                errors = _errors(error)
            else:
                flash.success(request, "Сообщение отправлено.")
                return redirect("messaging:thread", pk=thread.pk)
    elif value:
        errors = {"student": ["Выберите обучающегося из списка."]}
    groups: dict[str, list[Student]] = {}
    for one in students.only("pk", "last_name", "first_name", "middle_name"):
        label = f"{one.class_grade}{one.class_letter}" if one.class_grade else "Без класса"
        groups.setdefault(label, []).append(one)
    return render(request, "messaging/staff_new.html", {
        "groups": list(groups.items()), "student": student, "recipients": recipients,
        "errors": errors, "form": request.POST,
    }, status=400 if errors else 200)  # fmt: skip


@staff_page
def staff_thread(request, pk: int):
    actor = _staff_actor(request)
    errors: dict = {}
    if request.method == "POST":
        thread = selectors.thread_get(pk)
        try:
            services.message_post(
                actor=actor, thread=thread, body=request.POST.get("body", ""),
                files=_uploads(request),
            )  # fmt: skip
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("messaging:thread", pk=pk)
    page = selectors.thread_page(actor, pk)
    data = selectors.thread_json(page)
    services.thread_mark_read(access=page.access, up_to=page.last_id)
    return render(request, "messaging/staff_thread.html", {
        "thread": data, "errors": errors, "form": request.POST,
    }, status=400 if errors else 200)  # fmt: skip


def _moderate(request, pk: int, hide: bool):
    actor = _staff_actor(request)
    message = selectors.message_for_moderation(actor, pk)
    ctx = AuditContext.from_request(request, role="director", source=Source.PAGE)
    reason = request.POST.get("reason", "")
    try:
        if hide:
            services.message_hide(ctx=ctx, actor=actor, message=message, reason=reason)
            flash.success(request, "Сообщение скрыто.")
        else:
            services.message_restore(ctx=ctx, actor=actor, message=message, reason=reason)
            flash.success(request, "Сообщение снова видно участникам.")
    except ValidationError as error:
        flash.error(request, " ".join(m for ms in _errors(error).values() for m in ms))
    return redirect("messaging:thread", pk=message.thread_id)


@require_POST
@staff_page
def staff_hide(request, pk: int):
    return _moderate(request, pk, hide=True)


@require_POST
@staff_page
def staff_restore(request, pk: int):
    return _moderate(request, pk, hide=False)


@staff_page
def staff_file(request, pk: int):
    return file_response(selectors.attachment_get(_staff_actor(request), pk))
