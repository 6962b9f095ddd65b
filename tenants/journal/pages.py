"""Journal pages on the school's host (`/journal/…`): the list of the caller's journals and the
keyboard-first grid. The grid page is a shell: it reads and saves through the journal API, so the
page and a mobile app see the same rules."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from tenants.configuration.models import Period, Subject
from tenants.configuration.selectors import periods_for
from tenants.people.models import Group, SchoolClass, Staff, Student, Teaching
from tenants.people.selectors import led_class_ids, staff_of, teaches, unit_grade
from tenants.timetable.models import Lesson

from . import selectors


def _units(request) -> list[Teaching]:
    """The class-or-group and subject pairs the caller keeps or reads, one row each."""
    today = timezone.localdate()
    current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    teaching = Teaching.objects.filter(current).select_related(
        "school_class", "group", "subject", "staff"
    )
    if not (request.caller.has_any({Scope.PEOPLE_READ})):
        staff = staff_of(request.caller)
        if staff is None:
            return []
        led = led_class_ids(staff, today)
        teaching = teaching.filter(Q(staff=staff) | Q(school_class_id__in=led))
    seen, rows = set(), []
    for t in teaching.order_by("school_class__grade", "school_class__letter", "group__name",
                               "subject__name"):  # fmt: skip
        key = (t.school_class_id, t.group_id, t.subject_id)
        if key not in seen:
            seen.add(key)
            rows.append(t)
    return rows


def _today(request) -> list[Lesson]:
    """The caller's lessons today, their own and those they substitute."""
    staff = staff_of(request.caller)
    if staff is None:
        return []
    return list(
        Lesson.objects.filter(date=timezone.localdate())
        .filter(Q(teacher=staff, substitute__isnull=True) | Q(substitute=staff))
        .select_related("school_class", "group", "subject")
        .order_by("number")
    )


@scope_required(Scope.JOURNAL_READ)
def journals(request):
    return render(
        request,
        "journal/journals.html",
        {
            "rows": _units(request),
            "today": _today(request),
            "can_correct": request.caller.has_any({Scope.JOURNAL_CORRECT}),
        },
    )


@scope_required(Scope.JOURNAL_READ)
def grid(request):
    """The grid of one class or group in one subject and period."""
    params = request.GET
    school_class = group = None
    if params.get("class", "").isdigit():
        school_class = get_object_or_404(SchoolClass.objects.select_related("year"),
                                         pk=params["class"])  # fmt: skip
    elif params.get("group", "").isdigit():
        group = get_object_or_404(Group.objects.select_related("year"), pk=params["group"])
    else:
        raise Http404
    if not params.get("subject", "").isdigit():
        raise Http404
    subject = get_object_or_404(Subject, pk=params["subject"])
    try:
        selectors.readable_student_ids(
            request.caller, school_class=school_class, group=group, subject=subject
        )
    except PermissionDenied:
        return render(request, "403.html", status=403)
    unit = school_class or group
    grade = unit_grade(school_class, group)
    periods = list(periods_for(year=unit.year_id, grade=grade))
    today = timezone.localdate()
    chosen = None
    if params.get("period", "").isdigit():
        chosen = next((p for p in periods if p.pk == int(params["period"])), None)
    if chosen is None:
        chosen = next((p for p in periods if p.start <= today <= p.end), None) or (
            periods[0] if periods else None
        )
    staff = staff_of(request.caller)
    can_write = request.caller.has_any({Scope.JOURNAL_WRITE}) and teaches(
        staff,
        subject_id=subject.pk,
        school_class_id=school_class.pk if school_class else None,
        group_id=group.pk if group else None,
    )
    query = f"{'class' if school_class else 'group'}={unit.pk}&subject={subject.pk}"
    return render(
        request,
        "journal/grid.html",
        {
            "unit": unit,
            "subject": subject,
            "periods": periods,
            "period": chosen,
            "query": query,
            "unit_param": "class" if school_class else "group",
            "can_write": can_write,
        },
    )


# --- the audit viewer and the corrections queue (director and deputies)


@scope_required(Scope.JOURNAL_CORRECT)
def audit(request):
    """Journal audit records by lesson, student, teacher, class and period (AUD-01, AUD-02)."""
    from . import audit_view

    params = request.GET

    def pick(model, name):
        value = params.get(name, "")
        return model.objects.filter(pk=int(value)).first() if value.isdigit() else None

    filters = audit_view.Filters(
        lesson=pick(Lesson, "lesson"),
        student=pick(Student, "student"),
        teacher=pick(Staff, "teacher"),
        school_class=pick(SchoolClass, "class"),
        period=pick(Period, "period"),
    )
    rows = list(audit_view.journal_audit(filters)[: audit_view.LIMIT])
    return render(
        request,
        "journal/audit.html",
        {
            "rows": [(r, audit_view.label(r.action)) for r in rows],
            "limit": audit_view.LIMIT,
            "filters": filters,
            "classes": SchoolClass.objects.filter(year__is_current=True).order_by(
                "grade", "letter"
            ),
            "teachers": Staff.objects.filter(user_id__isnull=False).order_by("last_name"),
            "periods": Period.objects.filter(structure__year__is_current=True)
            .select_related("structure")
            .order_by("structure__grade_from", "start"),
        },
    )


@scope_required(Scope.JOURNAL_CORRECT)
def corrections_queue(request):
    """Pending correction requests with approve and reject (AUD-03)."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from otmetka.audit.context import AuditContext

    from . import corrections
    from .models import CorrectionRequest

    if request.method == "POST":
        found = CorrectionRequest.objects.filter(pk=request.POST.get("request", "0") or 0).first()
        approver = staff_of(request.caller)
        if found is None or approver is None:
            raise Http404
        try:
            corrections.correction_decide(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                request=found,
                approver=approver,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Запрос № {found.pk} рассмотрен.")
        return redirect("/journal/corrections/")
    pending = CorrectionRequest.objects.filter(status="pending").select_related(
        "requested_by", "school_class", "group", "subject", "period"
    )
    decided = CorrectionRequest.objects.exclude(status="pending").select_related(
        "requested_by", "decided_by", "school_class", "group", "subject"
    )[:50]
    return render(request, "journal/corrections.html", {"pending": pending, "decided": decided})


@scope_required(Scope.SETTINGS_READ)
def absence_codes(request):
    """The school's absence codes (N-03): the administration adds, renames and retires them."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from otmetka.audit.context import AuditContext

    from . import services
    from .models import AbsenceCode

    can_edit = request.caller.has_any({Scope.SETTINGS_WRITE})
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        data = request.POST
        existing = AbsenceCode.objects.filter(pk=data.get("id") or 0).first()
        try:
            services.absence_code_save(
                ctx=AuditContext.from_request(request, role=request.caller.primary_role),
                code=data.get("code", ""),
                label=data.get("label", ""),
                counts_present=bool(data.get("counts_present")),
                allows_makeup=bool(data.get("allows_makeup")),
                is_active=bool(data.get("is_active")) if existing else True,
                existing=existing,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Код сохранён.")
        return redirect("/journal/absence-codes/")
    return render(
        request,
        "journal/absence_codes.html",
        {"codes": AbsenceCode.objects.order_by("position", "code"), "can_edit": can_edit},
    )
