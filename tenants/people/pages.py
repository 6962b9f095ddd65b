"""People pages on the school's host (`/people/…`): students, classes, staff, import.

The same selectors as the API decide who sees whom; list views are logged (PDN-06).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from tenants.configuration.forms import DATE

from . import imports, jobs, selectors
from .models import ImportJob, Movement, SchoolClass, Staff

READERS = (Scope.PEOPLE_READ, Scope.CLASS_READ)


def _log(request, what: str, rows: list) -> list:
    selectors.personal_data_logged(
        caller=request.caller, what=what, count=len(rows), query=request.get_full_path()
    )
    return rows


@scope_required(*READERS)
def students(request):
    queryset = selectors.student_list(request.caller)
    class_id = request.GET.get("class", "")
    query = request.GET.get("q", "").strip()
    if class_id.isdigit():
        queryset = queryset.filter(
            pk__in=selectors.class_composition(
                get_object_or_404(SchoolClass, pk=class_id), timezone.localdate()
            ).values("student_id")
        )
    if query:
        queryset = queryset.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))
    rows = _log(request, "students.list", list(queryset[:500]))
    return render(
        request,
        "people/students.html",
        {
            "rows": rows,
            "query": query,
            "class_id": class_id,
            "classes": _classes(),
            "can_import": request.caller.has_any({Scope.PEOPLE_WRITE}),
            "can_hand_over": request.caller.has_any({Scope.PEOPLE_WRITE, Scope.CLASS_WRITE}),
        },
    )


def _classes():
    today = timezone.localdate()
    return (
        SchoolClass.objects.filter(year__is_current=True)
        .select_related("class_teacher")
        .annotate(
            size=Count(
                "memberships",
                filter=Q(memberships__start__lte=today)
                & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)),
            )
        )
        .order_by("grade", "letter")
    )


@scope_required(*READERS)
def classes(request):
    return render(request, "people/classes.html", {"classes": _classes()})


@scope_required(*READERS)
def student_card(request, pk: int):
    student = get_object_or_404(selectors.student_list(request.caller), pk=pk)
    return render(
        request,
        "people/student.html",
        {
            "student": student,
            "movements": Movement.objects.filter(student=student).select_related(
                "from_class", "to_class"
            ),
        },
    )


@scope_required(Scope.PEOPLE_READ)
def staff(request):
    rows = _log(request, "staff.list", list(Staff.objects.order_by("last_name", "first_name")))
    alerts = selectors.staff_access_alerts()
    return render(
        request,
        "people/staff.html",
        {
            "rows": rows,
            "grant_overdue": {m.pk for m in alerts["grant_overdue"]},
            "revoke_overdue": {m.pk for m in alerts["revoke_overdue"]},
        },
    )


# --- import -------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="Данные", choices=list(imports.KIND_LABELS.items()))
    file = forms.FileField(label="Файл (XLSX или CSV по шаблону)")
    order_number = forms.CharField(
        label="Приказ о зачислении: номер", max_length=50, required=False
    )
    order_date = forms.DateField(label="Приказ: дата", widget=DATE, required=False)
    date = forms.DateField(label="Дата зачисления", widget=DATE, required=False)
    create_classes = forms.BooleanField(label="Создать недостающие классы", required=False)


@scope_required(Scope.PEOPLE_WRITE)
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            if d["order_number"] and not d["order_date"]:
                raise ValidationError({"order_date": "Укажите дату приказа."})
            if upload.size > imports.MAX_BYTES:
                raise ValidationError({"file": "Файл больше 20 МБ."})
            job = jobs.import_job_start(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                params=jobs.ImportParams(
                    kind=d["kind"],
                    dry_run=True,
                    date_from=d["date"],
                    order_number=d["order_number"],
                    order_date=d["order_date"],
                    create_classes=d["create_classes"],
                ),
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            for key, msgs in error.message_dict.items():
                form.add_error(key if key in form.fields else None, msgs)
        else:
            return redirect(f"/people/import/{job.pk}/")
    return render(
        request,
        "people/import.html",
        {"form": form, "jobs": ImportJob.objects.order_by("-created_at")[:10]},
        status=400 if form.errors else 200,
    )


@scope_required(Scope.PEOPLE_WRITE)
def import_job(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    if request.method == "POST":
        try:
            real = jobs.import_job_confirm(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role), job=job
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(f"/people/import/{job.pk}/")
        messages.success(request, "Загрузка началась.")
        return redirect(f"/people/import/{real.pk}/")
    return render(
        request,
        "people/import_job.html",
        {
            "job": job,
            "progress": jobs.progress_of(job),
            "label": imports.KIND_LABELS.get(job.kind, job.kind),
            "running": job.status in ("queued", "running"),
        },
    )


@scope_required(Scope.PEOPLE_WRITE, Scope.CLASS_WRITE)
def class_credentials(request, pk: int):
    """Accounts and letters for a class: students old enough (X-14) and guardians, who have none
    yet. Answers with the PDF to print and hand over (X-11)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from otmetka.region.routing import public_url
    from tenants.configuration.selectors import regulation_in_force

    from .api.views import may_hand_over
    from .credentials import _age, credentials_issue, letters_pdf
    from .models import Guardian

    if request.method != "POST":
        return redirect(f"/people/?class={pk}")
    school_class = get_object_or_404(SchoolClass, pk=pk)
    today = timezone.localdate()
    min_age = regulation_in_force(today)["min_age_independent_application"]
    members = [m.student for m in selectors.class_composition(school_class, today)]
    students = [s for s in members if s.user_id is None and _age(s.birth_date, today) >= min_age]
    guardians = list(
        Guardian.objects.filter(
            user_id__isnull=True,
            links__student__in=members,
            links__ended_at__isnull=True,
        ).distinct()
    )
    if not may_hand_over(request.caller, students, guardians, []):
        return render(request, "403.html", status=403)
    if not students and not guardians:
        messages.info(
            request, "Всем ученикам (по возрасту) и представителям класса доступ уже выдан."
        )
        return redirect(f"/people/?class={pk}")
    letters = credentials_issue(
        ctx=AuditContext.from_request(request, role=request.caller.primary_role),
        school_id=request.tenant.pk,
        people=[*students, *guardians],
    )
    pdf = letters_pdf(
        letters,
        school_id=request.tenant.pk,
        activate_url=public_url("/accounts/activate/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"dostup-{school_class.grade}{school_class.pk}.pdf"
    )
    return response
