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
from .choices import Applicant, Channel, Decision
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


class PromoteForm(forms.Form):
    to_year = forms.TypedChoiceField(label="В учебный год", coerce=int)
    order_number = forms.CharField(label="Приказ директора: номер", max_length=50)
    order_date = forms.DateField(label="Приказ: дата", widget=DATE)
    graduating = forms.CharField(label="Выпускные параллели", initial="11", max_length=20)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_year"].choices = [(y.pk, y.name) for y in years]

    def clean_graduating(self):
        parts = [p.strip() for p in self.cleaned_data["graduating"].replace(";", ",").split(",")]
        if not all(p.isdigit() and 1 <= int(p) <= 11 for p in parts if p):
            raise ValidationError("Через запятую, например: 9, 11.")
        return [int(p) for p in parts if p]


@scope_required(*READERS)
def classes(request):
    """Classes of the current year; the administration promotes them at the year's end (PPL-09)."""
    from tenants.configuration.models import AcademicYear
    from tenants.configuration.services import Order

    from . import services

    current = AcademicYear.objects.filter(is_current=True).first()
    later = list(AcademicYear.objects.filter(start__gt=current.end)) if current else []
    can_promote = request.caller.has_any({Scope.PEOPLE_WRITE}) and bool(later)
    form = PromoteForm(request.POST or None, years=later)
    if request.method == "POST":
        if not can_promote:
            return render(request, "403.html", status=403)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = services.promote_all(
                    ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                    from_year=current,
                    to_year=next(y for y in later if y.pk == d["to_year"]),
                    order=Order(d["order_number"], d["order_date"]),
                    graduating_grades=d["graduating"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    f"Переведено: {result.promoted}, выпущено: {result.graduated}; "
                    f"создано классов: {len(result.classes_created)}.",
                )
                return redirect("/people/classes/")
    return render(
        request,
        "people/classes.html",
        {"classes": _classes(), "form": form, "can_promote": can_promote},
        status=400 if form.errors else 200,
    )


class TransferForm(forms.Form):
    to_class = forms.TypedChoiceField(label="В класс", coerce=int)
    date = forms.DateField(label="С даты", widget=DATE)
    order_number = forms.CharField(label="Приказ: номер", max_length=50)
    order_date = forms.DateField(label="Приказ: дата", widget=DATE)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].choices = [(c.pk, c.name) for c in classes]


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="Вид",
        choices=[
            ("withdrawal", "Выбытие"),
            ("transfer_out", "Перевод в другую школу"),
            ("expulsion", "Отчисление"),
            ("graduation", "Окончание школы"),
        ],
    )
    date = forms.DateField(label="Последний день", widget=DATE)
    order_number = forms.CharField(label="Приказ: номер", max_length=50)
    order_date = forms.DateField(label="Приказ: дата", widget=DATE)
    destination = forms.CharField(label="Куда (для перевода)", max_length=300, required=False)


@scope_required(*READERS)
def student_card(request, pk: int):
    """The card: class, guardians, movements; the administration moves the student here."""
    from tenants.configuration.services import Order

    from . import services

    student = get_object_or_404(selectors.student_list(request.caller), pk=pk)
    can_move = request.caller.has_any({Scope.PEOPLE_WRITE}) and student.status == "studying"
    classes = list(SchoolClass.objects.filter(year__is_current=True).order_by("grade", "letter"))
    transfer = TransferForm(prefix="transfer", classes=classes)
    leave = LeaveForm(prefix="leave")
    status = 200
    if request.method == "POST":
        if not can_move:
            return render(request, "403.html", status=403)
        ctx = AuditContext.from_request(request, role=request.caller.primary_role)
        action = request.POST.get("action")
        form = (
            TransferForm(request.POST, prefix="transfer", classes=classes)
            if action == "transfer"
            else LeaveForm(request.POST, prefix="leave")
        )
        if form.is_valid():
            d = form.cleaned_data
            order = Order(d["order_number"], d["order_date"])
            try:
                if action == "transfer":
                    services.class_transfer(
                        ctx=ctx,
                        student=student,
                        to_class=next(c for c in classes if c.pk == d["to_class"]),
                        date_on=d["date"],
                        order=order,
                    )
                else:
                    services.student_leave(
                        ctx=ctx,
                        student=student,
                        kind=d["kind"],
                        date_on=d["date"],
                        order=order,
                        destination=d["destination"],
                    )
            except ValidationError as error:
                for key, msgs in error.message_dict.items():
                    form.add_error(key if key in form.fields else None, msgs)
            else:
                messages.success(request, "Движение записано.")
                return redirect(f"/people/students/{student.pk}/")
        if action == "transfer":
            transfer = form
        else:
            leave = form
        status = 400
    return render(
        request,
        "people/student.html",
        {
            "student": student,
            "movements": Movement.objects.filter(student=student).select_related(
                "from_class", "to_class"
            ),
            "can_move": can_move,
            "transfer": transfer,
            "leave": leave,
        },
        status=status,
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


# --- consents (PDN-04, PDN-05, GOV-02…06, N-10)


class ConsentForm(forms.Form):
    student = forms.TypedChoiceField(label="Обучающийся", coerce=int)
    applicant = forms.ChoiceField(label="Заявитель", choices=Applicant.choices)
    guardian = forms.TypedChoiceField(
        label="Законный представитель", coerce=int, required=False, empty_value=None
    )
    decision = forms.ChoiceField(label="Решение", choices=Decision.choices)
    channels = forms.MultipleChoiceField(
        label="Каналы", choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, students, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(s.pk, s.full_name) for s in students]
        self.fields["guardian"].choices = [("", "—")] + [(g.pk, g.full_name) for g in guardians]


@scope_required(Scope.PEOPLE_READ, Scope.CLASS_WRITE)
def consents_page(request):
    from .consents import consent_register, consents_overdue
    from .models import Consent, Guardian, Student

    editable = selectors.students_editable(request.caller).filter(status="studying")
    visible_consents = Consent.objects.select_related("student", "guardian")
    if not request.caller.has_any({Scope.PEOPLE_READ}):
        visible_consents = visible_consents.filter(student__in=editable)
    students = list(editable.order_by("last_name", "first_name")[:2000])
    guardians = list(
        selectors.guardians_visible(request.caller)
        .filter(links__student__in=editable, links__ended_at__isnull=True)
        .distinct()
        .order_by("last_name")[:4000]
    )
    form = ConsentForm(request.POST or None, students=students, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            consent = consent_register(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                student=Student.objects.get(pk=d["student"]),
                applicant=d["applicant"],
                decision=d["decision"],
                guardian=Guardian.objects.filter(pk=d["guardian"]).first()
                if d["guardian"]
                else None,
                channels=d["channels"] or None,
            )
        except ValidationError as error:
            for key, msgs in error.message_dict.items():
                form.add_error(key if key in form.fields else None, msgs)
        else:
            messages.success(request, f"Заявление зарегистрировано: № {consent.number}.")
            return redirect("/people/consents/")
    overdue = set(consents_overdue().values_list("pk", flat=True))
    rows = _log(
        request, "consents.list", list(visible_consents.order_by("-registered_on", "-pk")[:500])
    )
    return render(
        request,
        "people/consents.html",
        {"rows": rows, "form": form, "overdue": overdue},
        status=400 if form.errors else 200,
    )


@scope_required(Scope.PEOPLE_READ, Scope.CLASS_WRITE)
def consent_form_pdf(request):
    """The application form to print and sign (N-10), prefilled for a child and a guardian."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils.http import content_disposition_header
    from weasyprint import HTML

    from otmetka.region.models import School

    from .models import Guardian

    student_id = request.GET.get("student", "")
    student = get_object_or_404(
        selectors.students_editable(request.caller)
        if not request.caller.has_any({Scope.PEOPLE_READ})
        else selectors.students_visible(request.caller),
        pk=int(student_id) if student_id.isdigit() else 0,
    )
    guardian_id = request.GET.get("guardian", "")
    guardian = None
    if guardian_id.isdigit():
        guardian = get_object_or_404(
            Guardian.objects.filter(links__student=student, links__ended_at__isnull=True),
            pk=int(guardian_id),
        )
    school = School.objects.get(pk=request.tenant.pk)
    current = (
        student.class_memberships.filter(end__isnull=True).select_related("school_class").first()
    )
    html = render_to_string(
        "people/consent_form.html",
        {
            "school": school,
            "student": student,
            "guardian": guardian,
            "school_class": current.school_class.name if current else "",
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, "zayavlenie.pdf")
    return response
