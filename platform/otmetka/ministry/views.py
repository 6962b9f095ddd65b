"""The ministry's pages: the region's schools, creating, suspending and archiving them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from otmetka.region import selectors, services
from otmetka.region.choices import SchoolStatus
from otmetka.region.routing import school_url

from .forms import SchoolCreateForm, SchoolStatusForm


@scope_required(Scope.SCHOOLS_READ)
def school_list(request):
    schools = selectors.school_list(caller=request.caller)
    status = request.GET.get("status", "")
    if status in SchoolStatus.values:
        schools = schools.filter(status=status)
    rows = [{"school": s, "url": school_url(s.slug)} for s in schools]
    return render(
        request,
        "ministry/school_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": SchoolStatus.choices,
            "can_write": request.caller.has_any({Scope.SCHOOLS_WRITE}),
            "status_form": SchoolStatusForm(),
        },
    )


@scope_required(Scope.SCHOOLS_WRITE)
@require_http_methods(["GET", "POST"])
def school_create(request):
    municipalities = selectors.municipality_list(caller=request.caller)
    form = SchoolCreateForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        municipality = data["municipality"]
        try:
            created = services.school_create(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                slug=data["slug"],
                full_name=data["full_name"],
                short_name=data["short_name"],
                inn=data["inn"],
                address=data["address"],
                time_zone=data["time_zone"]
                or municipality.time_zone
                or municipality.region.default_time_zone,
                municipality=municipality,
                admin=services.AdminSpec(
                    username=data["admin_username"],
                    last_name=data["admin_last_name"],
                    first_name=data["admin_first_name"],
                    middle_name=data["admin_middle_name"],
                    email=data["admin_email"],
                ),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(
                request,
                "ministry/school_created.html",
                {"created": created, "url": school_url(created.school.slug)},
                status=201,
            )
    return render(
        request, "ministry/school_form.html", {"form": form}, status=400 if form.errors else 200
    )


_CHANGES = {
    "suspend": (services.school_suspend, "Работа школы «{}» приостановлена."),
    "archive": (services.school_archive, "Школа «{}» переведена в архив."),
    "activate": (services.school_activate, "Школа «{}» снова работает."),
}


@scope_required(Scope.SCHOOLS_WRITE)
@require_POST
def school_status(request, pk: int, change: str):
    school = get_object_or_404(selectors.school_list(caller=request.caller), pk=pk)
    service, done = _CHANGES[change]
    form = SchoolStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите основание (например, номер и дату приказа).")
        return redirect("ministry:school-list")
    try:
        service(
            ctx=AuditContext.from_request(request, role=request.caller.primary_role),
            school=school,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(school.short_name))
    return redirect("ministry:school-list")


# --- the region's configuration template (N-22) and setup completeness (CFG-05) ----------------


@scope_required(Scope.REGION_READ)
@require_http_methods(["GET", "POST"])
def templates(request):
    """Versions of the template; the draft is edited as JSON with field messages per key."""
    import json

    from otmetka.region.models import RegionTemplate
    from tenants.configuration.regional_template import SECTION_LABELS

    versions = list(RegionTemplate.objects.order_by("-version"))
    draft = next((t for t in versions if not t.is_published), None)
    base = draft or next((t for t in versions if t.is_published), None)
    can_write = request.caller.has_any({Scope.TEMPLATES_WRITE})
    text = json.dumps(base.content if base else {}, ensure_ascii=False, indent=2)
    note = draft.note if draft else ""
    errors: dict = {}
    if request.method == "POST":
        if not can_write:
            return render(request, "403.html", status=403)
        ctx = AuditContext.from_request(request, role=request.caller.primary_role)
        if request.POST.get("action") == "publish" and draft is not None:
            services.template_publish(ctx=ctx, template=draft)
            messages.success(request, f"Шаблон версии {draft.version} опубликован.")
            return redirect("ministry:templates")
        text, note = request.POST.get("content", ""), request.POST.get("note", "")
        try:
            content = json.loads(text)
            if not isinstance(content, dict):
                raise ValueError
        except ValueError:
            errors = {"content": ["Содержимое — объект JSON с разделами шаблона."]}
        else:
            try:
                saved = services.template_draft_save(ctx=ctx, content=content, note=note)
            except DRFValidationError as exc:
                from otmetka.api.errors import field_messages

                errors = field_messages(exc.detail)
            else:
                messages.success(request, f"Черновик версии {saved.version} сохранён.")
                return redirect("ministry:templates")
    return render(
        request,
        "ministry/templates.html",
        {
            "versions": versions,
            "draft": draft,
            "text": text,
            "note": note,
            "errors": errors,
            "can_write": can_write,
            "sections": SECTION_LABELS,
        },
        status=400 if errors else 200,
    )


@scope_required(Scope.SCHOOLS_READ)
def setup_completeness(request):
    """How many of the caller's schools have each setup item done: counts only."""
    from tenants.configuration.completeness import region_totals

    schools = selectors.school_list(caller=request.caller).filter(status=SchoolStatus.ACTIVE)
    schemas = list(schools.values_list("schema_name", flat=True))
    return render(
        request,
        "ministry/setup_completeness.html",
        {"totals": region_totals(schemas), "schools": len(schemas)},
    )
