"""The school's settings pages (director, deputies, school admin): the same services as the API.

Reading needs `settings:read`; every POST needs `settings:write` (reopening a period:
`periods:reopen`). A service's field messages are shown next to the inputs they concern.
"""

from __future__ import annotations

import functools
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext

from . import catalogue, completeness, forms, regional_template, selectors, services
from .api.views import act_file_response, template_state
from .choices import LocalActKind
from .models import (
    AcademicYear,
    Conversion,
    ConversionRule,
    GradeValue,
    GradingAssignment,
    GradingSystem,
    HolidayPeriod,
    LocalAct,
    Notation,
    Period,
    PeriodStructure,
    Room,
    Subject,
    WorkType,
)


def settings_page(view):
    """settings:read to look, settings:write to send a form."""

    @scope_required(Scope.SETTINGS_READ)
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.can_write = request.caller.has_any({Scope.SETTINGS_WRITE})
        if request.method == "POST" and not request.can_write:
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _ctx(request) -> AuditContext:
    return AuditContext.from_request(request, role=request.caller.primary_role)


def _render(request, template: str, context: dict, *, failed: bool = False):
    context = {"can_write": request.can_write, "section": template.split("/")[-1], **context}
    return render(request, f"configuration/{template}.html", context, status=400 if failed else 200)


# --- overview ---------------------------------------------------------------------------------


@settings_page
def overview(request):
    checklist = completeness.school_checklist(today=timezone.localdate())
    return _render(
        request,
        "overview",
        {
            "checklist": checklist,
            "state_labels": completeness.STATE_LABELS,
            "template": template_state(),
        },
    )


# --- the year: years, holidays, structures, locks ---------------------------------------------


@settings_page
def year(request):
    years = list(AcademicYear.objects.order_by("-start"))
    current = next((y for y in years if y.is_current), years[0] if years else None)
    chosen = request.GET.get("year")
    if chosen and chosen.isdigit():
        current = next((y for y in years if y.pk == int(chosen)), current)
    year_form = forms.YearForm(prefix="year")
    holiday_form = forms.HolidayForm(prefix="holiday")
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "year":
                year_form = forms.YearForm(request.POST, prefix="year")
                if year_form.is_valid():
                    d = year_form.cleaned_data
                    created = services.academic_year_create(
                        ctx=_ctx(request),
                        name=d["name"],
                        start=d["start"],
                        end=d["end"],
                        order=services.Order(d["order_number"], d["order_date"]),
                        make_current=d["make_current"],
                    )
                    messages.success(request, f"Учебный год {created.name} создан.")
                    return redirect(f"/settings/year/?year={created.pk}")
                failed = True
            elif action == "holiday" and current is not None:
                holiday_form = forms.HolidayForm(request.POST, prefix="holiday")
                if holiday_form.is_valid():
                    services.holiday_create(
                        ctx=_ctx(request), year=current, **holiday_form.cleaned_data
                    )
                    messages.success(request, "Каникулы добавлены.")
                    return redirect(f"/settings/year/?year={current.pk}")
                failed = True
            elif action == "holiday_delete":
                holiday = get_object_or_404(HolidayPeriod, pk=request.POST.get("holiday_id", 0))
                try:
                    services.holiday_delete(ctx=_ctx(request), holiday=holiday)
                    messages.success(request, f"Каникулы «{holiday.name}» удалены.")
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                return redirect(f"/settings/year/?year={holiday.year_id}")
            elif action == "make_current":
                target = get_object_or_404(AcademicYear, pk=request.POST.get("year_id", 0))
                services.academic_year_make_current(ctx=_ctx(request), year=target)
                messages.success(request, f"Текущий учебный год: {target.name}.")
                return redirect("/settings/year/")
            elif action in ("close", "reopen"):
                return _period_action(request, action, current)
        except ValidationError as error:
            target = year_form if action == "year" else holiday_form
            forms.place_errors(error, target)
            failed = True
    structures = list(selectors.period_structure_list(year=current)) if current else []
    now = timezone.now()
    return _render(
        request,
        "year",
        {
            "years": years,
            "current": current,
            "holidays": list(current.holidays.order_by("start")) if current else [],
            "structures": structures,
            "locked": {p.pk for s in structures for p in s.periods.all() if p.is_locked(now)},
            "today": timezone.localdate(),
            "year_form": year_form,
            "holiday_form": holiday_form,
            "can_reopen": request.caller.has_any({Scope.PERIODS_REOPEN}),
        },
        failed=failed,
    )


def _period_action(request, action: str, current: AcademicYear | None):
    period = get_object_or_404(Period, pk=request.POST.get("period_id", 0))
    back = f"/settings/year/?year={period.structure.year_id}"
    try:
        if action == "close":
            services.period_close(ctx=_ctx(request), period=period)
            messages.success(request, f"Период «{period.name}» закрыт.")
        else:
            if not request.caller.has_any({Scope.PERIODS_REOPEN}):
                return render(request, "403.html", status=403)
            hours = request.POST.get("hours", "48")
            services.period_reopen(
                ctx=_ctx(request),
                period=period,
                reason=request.POST.get("reason", ""),
                hours=int(hours) if hours.isdigit() else 0,
            )
            messages.success(request, f"Период «{period.name}» открыт для исправлений.")
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    return redirect(back)


@settings_page
def structure_edit(request, pk: int | None = None):
    structure = get_object_or_404(PeriodStructure, pk=pk) if pk else None
    year_id = structure.year_id if structure else request.GET.get("year", "")
    year = AcademicYear.objects.filter(pk=int(year_id) if str(year_id).isdigit() else 0).first()
    if year is None:
        raise Http404
    initial_rows = []
    if structure is not None:
        initial_rows = [
            {"kind": p.kind, "name": p.name, "start": p.start, "end": p.end}
            for p in structure.periods.order_by("start")
        ]
    form = forms.StructureForm(
        request.POST or None,
        initial={"name": structure.name, "grade_from": structure.grade_from,
                 "grade_to": structure.grade_to} if structure else None,
    )  # fmt: skip
    rows = forms.period_formset(request.POST or None, initial=initial_rows)
    if request.method == "POST":
        if form.is_valid() and rows.is_valid():
            filled = [i for i, row in enumerate(rows.forms) if not row.is_blank]
            try:
                services.period_structure_save(
                    ctx=_ctx(request),
                    year=year,
                    name=form.cleaned_data["name"],
                    grade_from=form.cleaned_data["grade_from"],
                    grade_to=form.cleaned_data["grade_to"],
                    structure=structure,
                    periods=[
                        services.PeriodInput(
                            rows.forms[i].cleaned_data["kind"] or "custom",
                            rows.forms[i].cleaned_data["name"],
                            rows.forms[i].cleaned_data["start"],
                            rows.forms[i].cleaned_data["end"],
                        )
                        for i in filled
                    ],
                )
            except ValidationError as error:
                forms.place_errors(error, form, ("periods", rows, filled))
            else:
                messages.success(request, "Учебные периоды сохранены.")
                return redirect(f"/settings/year/?year={year.pk}")
        return _render(
            request,
            "structure",
            {"form": form, "rows": rows, "year": year, "structure": structure},
            failed=True,
        )
    return _render(
        request, "structure", {"form": form, "rows": rows, "year": year, "structure": structure}
    )


# --- grading: systems, assignments, conversions, work types, notations ------------------------


@settings_page
def grading(request):
    systems = list(
        GradingSystem.objects.prefetch_related(
            Prefetch("values", queryset=GradeValue.objects.order_by("position"))
        ).order_by("name")
    )
    for system in systems:  # a long scale reads better as a range and its pass mark
        values = list(system.values.all())
        passing = next((v.code for v in values if v.passes), None)
        system.summary = (
            f"от {values[0].code} до {values[-1].code}, положительные — от {passing}"
            if len(values) > 12
            else ""
        )
    subjects = list(Subject.objects.filter(is_active=True).order_by("name"))
    from tenants.people.models import SchoolClass

    classes = list(SchoolClass.objects.filter(year__is_current=True).order_by("grade", "letter"))
    assignment_form = forms.AssignmentForm(
        systems=systems, subjects=subjects, classes=classes, prefix="assign"
    )
    work_type_form = forms.WorkTypeForm(prefix="wt")
    conversion_form = forms.ConversionForm(systems=systems, prefix="conv")
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                assignment_form = forms.AssignmentForm(
                    request.POST,
                    systems=systems,
                    subjects=subjects,
                    classes=classes,
                    prefix="assign",
                )
                if assignment_form.is_valid():
                    d = assignment_form.cleaned_data
                    services.grading_assignment_save(
                        ctx=_ctx(request),
                        system=next(s for s in systems if s.pk == d["system"]),
                        subject=next((s for s in subjects if s.pk == d["subject"]), None),
                        grade_from=d["grade_from"],
                        grade_to=d["grade_to"],
                        school_class=next((c for c in classes if c.pk == d["school_class"]), None),
                    )
                    messages.success(request, "Система оценивания назначена.")
                    return redirect("/settings/grading/")
                failed = True
            elif action == "conversion":
                conversion_form = forms.ConversionForm(request.POST, systems=systems, prefix="conv")
                if conversion_form.is_valid():
                    d = conversion_form.cleaned_data
                    by_pk = {s.pk: s for s in systems}
                    try:
                        services.conversion_save(
                            ctx=_ctx(request),
                            source=by_pk[d["source"]],
                            target=by_pk[d["target"]],
                            rules=d["rules"],
                        )
                    except ValidationError as error:
                        for key, msgs in error.message_dict.items():
                            row = re.match(r"rules\[(\d+)\]", key)
                            prefix = f"Строка {int(row.group(1)) + 1}: " if row else ""
                            conversion_form.add_error(
                                "rules" if key.startswith("rules") else None,
                                [prefix + m for m in msgs],
                            )
                    else:
                        messages.success(request, "Перевод отметок сохранён.")
                        return redirect("/settings/grading/")
                failed = True
            elif action == "make_default":
                system = get_object_or_404(GradingSystem, pk=request.POST.get("system_id", 0))
                services.grading_system_make_default(ctx=_ctx(request), system=system)
                messages.success(request, f"Шкала по умолчанию: «{system.name}».")
                return redirect("/settings/grading/")
            elif action == "unassign":
                assignment = get_object_or_404(
                    GradingAssignment, pk=request.POST.get("assignment_id", 0)
                )
                services.grading_assignment_delete(ctx=_ctx(request), assignment=assignment)
                messages.success(request, "Назначение снято.")
                return redirect("/settings/grading/")
            elif action == "work_type":
                work_type_form = forms.WorkTypeForm(request.POST, prefix="wt")
                if work_type_form.is_valid():
                    d = work_type_form.cleaned_data
                    existing = WorkType.objects.filter(code=d["code"]).first()
                    services.work_type_save(ctx=_ctx(request), work_type=existing, **d)
                    messages.success(request, f"Вид работы «{d['name']}» сохранён.")
                    return redirect("/settings/grading/")
                failed = True
            elif action == "notation":
                notation = get_object_or_404(Notation, pk=request.POST.get("notation_id", 0))
                services.notation_update(
                    ctx=_ctx(request),
                    notation=notation,
                    label=request.POST.get("label", ""),
                    is_enabled=request.POST.get("is_enabled") == "on",
                )
                messages.success(request, f"Обозначение «{notation.description}» сохранено.")
                return redirect("/settings/grading/")
        except ValidationError as error:
            target = assignment_form if action == "assign" else work_type_form
            if action in ("notation", "unassign"):
                messages.error(request, " ".join(error.messages))
                return redirect("/settings/grading/")
            forms.place_errors(error, target)
            failed = True
    conversions = Conversion.objects.select_related("source", "target").prefetch_related(
        Prefetch(
            "rules",
            queryset=ConversionRule.objects.select_related("source_value", "target_value"),
        )
    )
    return _render(
        request,
        "grading",
        {
            "systems": systems,
            "assignments": GradingAssignment.objects.select_related(
                "system", "subject", "school_class"
            ),
            "conversions": conversions,
            "work_types": WorkType.objects.order_by("name"),
            "notations": Notation.objects.order_by("code"),
            "assignment_form": assignment_form,
            "work_type_form": work_type_form,
            "conversion_form": conversion_form,
        },
        failed=failed,
    )


@settings_page
def grading_system_new(request):
    form = forms.GradingSystemForm(request.POST or None)
    rows = forms.value_formset(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and rows.is_valid():
            filled = [i for i, row in enumerate(rows.forms) if not row.is_blank]
            try:
                services.grading_system_create(
                    ctx=_ctx(request),
                    name=form.cleaned_data["name"],
                    kind="custom",
                    values=[
                        services.ValueInput(
                            code=rows.forms[i].cleaned_data["code"],
                            label=rows.forms[i].cleaned_data["label"]
                            or rows.forms[i].cleaned_data["code"],
                            numeric=rows.forms[i].cleaned_data["numeric"],
                            passes=rows.forms[i].cleaned_data["passes"],
                            counts_quality=rows.forms[i].cleaned_data["counts_quality"],
                        )
                        for i in filled
                    ],
                )
            except ValidationError as error:
                forms.place_errors(error, form, ("values", rows, filled))
            else:
                messages.success(request, f"Шкала «{form.cleaned_data['name']}» создана.")
                return redirect("/settings/grading/")
        return _render(request, "grading_system", {"form": form, "rows": rows}, failed=True)
    return _render(request, "grading_system", {"form": form, "rows": rows})


# --- regulation -------------------------------------------------------------------------------


@settings_page
def regulation_page(request):
    today = timezone.localdate()
    table = selectors.regulation_table(today)
    current = {row.setting.key: row.value for row in table}
    form = forms.RegulationForm(
        request.POST or None,
        settings=selectors.regulation_settings(),
        current=current,
        initial={"effective_from": today},
    )
    failed = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.regulation_version_create(
                    ctx=_ctx(request),
                    effective_from=form.cleaned_data["effective_from"],
                    order=services.Order(
                        form.cleaned_data["order_number"], form.cleaned_data["order_date"]
                    ),
                    values=form.changed_values(),
                )
            except ValidationError as error:
                for key, msgs in error.message_dict.items():
                    name = key.removeprefix("values.")
                    if key == "values":
                        form.add_error(None, "Измените хотя бы одну настройку.")
                    else:
                        form.add_error(name if name in form.fields else None, msgs)
            else:
                messages.success(request, "Новая редакция регламента внесена.")
                return redirect("/settings/regulation/")
        failed = True
    from .models import RegulationVersion

    return _render(
        request,
        "regulation",
        {
            "table": table,
            "form": form,
            "versions": _versions_shown(
                RegulationVersion.objects.order_by("-effective_from", "-pk")
            ),
        },
        failed=failed,
    )


def _versions_shown(versions):
    from . import regulation

    for version in versions:
        version.shown = [
            (regulation.BY_KEY[k].label, regulation.BY_KEY[k].display(v))
            for k, v in version.values.items()
            if k in regulation.BY_KEY
        ]
        yield version


# --- subjects and rooms -----------------------------------------------------------------------


@settings_page
def subjects(request):
    subject_form = forms.SubjectForm(prefix="subject")
    room_form = forms.RoomForm(prefix="room")
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "catalogue":
                added = services.subjects_add_from_catalogue(
                    ctx=_ctx(request), codes=request.POST.getlist("codes")
                )
                messages.success(request, f"Добавлено предметов: {len(added)}.")
                return redirect("/settings/subjects/")
            if action == "subject":
                subject_form = forms.SubjectForm(request.POST, prefix="subject")
                if subject_form.is_valid():
                    services.subject_save(
                        ctx=_ctx(request),
                        data=services.SubjectInput(kind="school", **subject_form.cleaned_data),
                    )
                    messages.success(request, "Предмет добавлен.")
                    return redirect("/settings/subjects/")
            if action == "room":
                room_form = forms.RoomForm(request.POST, prefix="room")
                if room_form.is_valid():
                    services.room_save(ctx=_ctx(request), **room_form.cleaned_data)
                    messages.success(request, "Кабинет добавлен.")
                    return redirect("/settings/subjects/#rooms")
            failed = True
        except ValidationError as error:
            if action == "catalogue":
                messages.error(request, " ".join(error.messages))
                return redirect("/settings/subjects/")
            forms.place_errors(error, subject_form if action == "subject" else room_form)
            failed = True
    present = set(Subject.objects.values_list("federal_code", flat=True))
    return _render(
        request,
        "subjects",
        {
            "subjects": Subject.objects.order_by("name"),
            "catalogue": [s for s in catalogue.SUBJECTS if s.code not in present],
            "rooms": Room.objects.order_by("number"),
            "subject_form": subject_form,
            "room_form": room_form,
        },
        failed=failed,
    )


# --- local acts -------------------------------------------------------------------------------


@settings_page
def acts(request):
    form = forms.LocalActForm(prefix="act")
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("publish", "withdraw"):
            act = get_object_or_404(LocalAct, pk=request.POST.get("act_id", 0))
            services.local_act_publish(ctx=_ctx(request), act=act, published=action == "publish")
            messages.success(
                request, "Опубликован." if action == "publish" else "Снят с публикации."
            )
            return redirect("/settings/acts/")
        form = forms.LocalActForm(request.POST, request.FILES, prefix="act")
        if form.is_valid():
            d = form.cleaned_data
            upload = d["file"]
            try:
                if upload.size > services.ACT_MAX_BYTES:
                    raise ValidationError({"file": "Файл больше 20 МБ."})
                services.local_act_upload(
                    ctx=_ctx(request),
                    title=d["title"],
                    kind=d["kind"],
                    order=services.Order(d["order_number"], d["order_date"]),
                    is_public=d["is_public"],
                    file_name=upload.name,
                    data=upload.read(),
                )
            except ValidationError as error:
                forms.place_errors(error, form)
            else:
                messages.success(
                    request, "Документ загружен. Опубликуйте его, когда он вступит в силу."
                )
                return redirect("/settings/acts/")
        failed = True
    return _render(
        request, "acts", {"acts": LocalAct.objects.order_by("-order_date", "-pk"), "form": form},
        failed=failed,
    )  # fmt: skip


@settings_page
def act_file(request, pk: int):
    return act_file_response(get_object_or_404(LocalAct, pk=pk))


@require_GET
def public_acts(request):
    """The school's published public acts: for families and anyone (no sign-in)."""
    published = LocalAct.objects.filter(is_public=True, published_at__isnull=False)
    return render(
        request,
        "configuration/public_acts.html",
        {"acts": published.order_by("-order_date"), "kinds": dict(LocalActKind.choices)},
    )


@require_GET
def public_act_file(request, pk: int):
    act = get_object_or_404(LocalAct, pk=pk, is_public=True, published_at__isnull=False)
    return act_file_response(act)


# --- the region's template --------------------------------------------------------------------


@settings_page
def template(request):
    from otmetka.region.services import template_published

    published = template_published()
    if request.method == "POST":
        sections = request.POST.getlist("sections")
        if published is None or not sections:
            messages.error(request, "Выберите разделы шаблона, которые нужно принять.")
            return redirect("/settings/template/")
        try:
            regional_template.template_apply(
                ctx=_ctx(request),
                version=published.version,
                content=published.content,
                sections=[s for s in sections if s in published.content],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Приняты разделы шаблона версии {published.version}.")
        return redirect("/settings/template/")
    return _render(
        request,
        "template",
        {
            "state": template_state(),
            "published": published,
            "sections": [
                (code, label)
                for code, label in regional_template.SECTION_LABELS.items()
                if published and code in published.content
            ],
            "section_labels": regional_template.SECTION_LABELS,
        },
    )
