"""The paper-extract pages on a school's host (DIA-07, X-09): `/diary/paper/` — the class
teacher's list of children on paper (their own class preselected; the director and deputies
pick any), each with the reason, the delivery method, the last extract and whether one is due;
a form to record a guardian's method; buttons for a child's or the whole class's extracts for a
week or a period. A class's extracts are made in the background (`/diary/paper/jobs/<id>/`
shows the progress, then the PDF). The same services as the API (`paper`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.pages import scope_required
from otmetka.audit.context import AuditContext
from tenants.configuration.selectors import periods_for
from tenants.people.models import Guardian, Student

from . import paper
from .models import DeliveryMethod, ExtractKind, PaperExtract, PaperJob
from .week import week_of


class ChoiceForm(forms.Form):
    pair = forms.ChoiceField(label="Обучающийся и представитель")
    paper = forms.BooleanField(label="Выписки на бумаге", required=False, initial=True)
    method = forms.ChoiceField(
        label="Способ передачи", required=False, choices=[("", "—"), *DeliveryMethod.choices]
    )
    address = forms.CharField(label="Почтовый адрес", required=False, max_length=300)
    note = forms.CharField(label="Примечание", required=False, max_length=300)
    agreed_on = forms.DateField(
        label="Согласовано", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].choices = [("", "—")] + [
            (f"{r['student']['id']}:{g['id']}", f"{r['student']['name']} — {g['name']}")
            for r in rows
            for g in r["guardians"]
        ]


class ExtractForm(forms.Form):
    kind = forms.ChoiceField(label="Выписка", choices=ExtractKind.choices)
    student = forms.IntegerField(label="Обучающийся", required=False, min_value=1)
    school_class = forms.IntegerField(label="Класс", required=False, min_value=1)
    date = forms.DateField(label="Неделя", required=False)
    period = forms.IntegerField(label="Период", required=False, min_value=1)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
            raise forms.ValidationError("Дата вне учебных лет.")
        return value


def _ctx(request) -> AuditContext:
    return AuditContext.from_request(request, role=request.caller.primary_role)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _page(request, *, form: ChoiceForm | None = None, status: int = 200):
    on = timezone.localdate()
    try:
        students = paper.paper_students(request.caller, on)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    classes = list(paper.paper_classes(request.caller, on).select_related("class_teacher"))
    chosen = _int(
        request.GET.get("class") or request.POST.get("class") or request.POST.get("school_class")
    )
    if chosen is None:
        led = paper.led_class_first(request.caller, on)
        chosen = led if led in {c.pk for c in classes} else (classes[0].pk if classes else None)
    school_class = next((c for c in classes if c.pk == chosen), None)
    if chosen is not None and school_class is None:
        raise Http404
    rows = (
        paper.paper_rows(paper.in_class(students, school_class.pk, on), on=on, only_paper=False)
        if school_class
        else []
    )
    day = _day(request.GET.get("date")) or on
    periods = list(periods_for(year=None, grade=school_class.grade)) if school_class else []
    period_id = _int(request.GET.get("period"))
    if period_id not in {p.pk for p in periods}:
        period_id = next((p.pk for p in periods if p.start <= on <= p.end), None)
    log = (
        PaperExtract.objects.filter(student_id__in=[r["student"]["id"] for r in rows])
        .select_related("student")
        .order_by("-generated_at", "-pk")[:30]
    )
    start, end = week_of(day)
    return render(
        request,
        "diary/paper.html",
        {
            "classes": classes,
            "school_class": school_class,
            "rows": [r for r in rows if r["paper"]],
            "form": form or ChoiceForm(rows=rows, initial={"agreed_on": on}),
            "may_print": request.caller.has_any(paper.PAPER_PRINT),
            "day": day,
            "week_start": start,
            "week_end": end,
            "periods": periods,
            "period_id": period_id,
            "log": log,
        },
        status=status,
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@scope_required(*paper.PAPER_READ)
def paper_list(request):
    return _page(request)


@scope_required(*paper.PAPER_WRITE)
def paper_choice(request):
    """Record a guardian's paper choice and delivery method (POST)."""
    if request.method != "POST":
        return redirect("/diary/paper/")
    on = timezone.localdate()
    try:
        students = paper.paper_students(request.caller, on)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    class_id = _int(request.POST.get("class"))
    visible = paper.in_class(students, class_id, on) if class_id else students
    rows = paper.paper_rows(visible, on=on, only_paper=False) if class_id else []
    form = ChoiceForm(request.POST, rows=rows)
    if form.is_valid():
        d = form.cleaned_data
        student_id, guardian_id = (int(x) for x in d["pair"].split(":"))
        try:
            paper.paper_choice_record(
                ctx=_ctx(request), student=Student.objects.get(pk=student_id),
                guardian=Guardian.objects.filter(pk=guardian_id).first(), paper=d["paper"],
                method=d["method"], address=d["address"], note=d["note"],
                agreed_on=d["agreed_on"],
            )  # fmt: skip
        except ValidationError as error:
            for key, msgs in error.message_dict.items():
                form.add_error(key if key in form.fields else None, msgs)
        else:
            messages.success(request, "Способ передачи выписок записан.")
            return redirect(f"/diary/paper/?class={class_id}")
    return _page(request, form=form, status=400)


@scope_required(*paper.PAPER_PRINT)
def paper_extract(request):
    """A child's extract (the PDF at once) or the whole class's (a background job) (POST)."""
    if request.method != "POST":
        return redirect("/diary/paper/")
    on = timezone.localdate()
    try:
        students = paper.paper_students(request.caller, on)
    except PermissionDenied:
        return render(request, "403.html", status=403)
    form = ExtractForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Проверьте запрос выписки: " + _errors(form))
        return _page(request, status=400)
    d = form.cleaned_data
    try:
        if d["student"]:
            if not students.filter(pk=d["student"]).exists():
                raise Http404
            batch = paper.paper_batch(
                students.filter(pk=d["student"]), kind=d["kind"], day=d["date"],
                period_id=d["period"], on=on,
            )  # fmt: skip
            made = paper.paper_extracts_make(ctx=_ctx(request), batch=batch, on=on)
            response = HttpResponse(made.pdf, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(
                True, f"vypiska-{d['student']}.pdf"
            )
            return response
        school_class = paper.paper_classes(request.caller, on).filter(pk=d["school_class"] or 0)
        school_class = school_class.first()
        if school_class is None:
            raise Http404
        batch = paper.paper_batch(
            paper.in_class(students, school_class.pk, on), kind=d["kind"], day=d["date"],
            period_id=d["period"], on=on, empty_field="class",
        )  # fmt: skip
        job = paper.paper_job_start(ctx=_ctx(request), school_class=school_class, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, status=400)
    return redirect(f"/diary/paper/jobs/{job.pk}/")


def _errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[key].label if key in form.fields else ''}: {' '.join(msgs)}"
        for key, msgs in form.errors.items()
    )


def _job(request, pk: int) -> PaperJob:
    job = paper.paper_jobs_visible(request.caller).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@scope_required(*paper.PAPER_PRINT)
def paper_job(request, pk: int):
    job = _job(request, pk)
    return render(
        request,
        "diary/paper_job.html",
        {
            "job": job,
            "progress": paper.paper_job_progress(job),
            "running": job.status in ("queued", "running"),
        },
    )


@scope_required(*paper.PAPER_PRINT)
def paper_job_pdf(request, pk: int):
    job = _job(request, pk)
    if job.status != "done":
        return redirect(f"/diary/paper/jobs/{job.pk}/")
    response = HttpResponse(paper.paper_job_pdf(job), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"vypiski-{job.school_class_id}.pdf"
    )
    return response
