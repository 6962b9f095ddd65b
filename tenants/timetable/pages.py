"""Timetable pages on the school's host (`/timetable/…`): the weekly grid per class, teacher and
room (the administration edits a cell), the substitutions board, and the teacher's lesson plan
editor. The same services as the API do the writing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.pages import scope_required
from otmetka.accounts.roles import Scope
from otmetka.audit.context import AuditContext
from tenants.configuration.forms import DATE
from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people.models import Group, SchoolClass, Staff, Teaching
from tenants.people.selectors import staff_of

from . import plans, services
from .access import plan_writer
from .models import Bell, BellSchedule, Lesson, LessonPlan, TimetableEntry, Weeks
from .services import WEEKDAYS

READ = (Scope.SETTINGS_READ,)
DAYS = [(d, WEEKDAYS[d].capitalize()) for d in range(1, 7)]


def _ctx(request) -> AuditContext:
    return AuditContext.from_request(request, role=request.caller.primary_role)


def _current_year() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first()


# --- the weekly grid


def _subject_label(entry: TimetableEntry, kind: str) -> dict:
    unit = entry.school_class.name if entry.school_class_id else entry.group.name
    return {
        "entry": entry,
        "subject": entry.subject.short_name or entry.subject.name,
        "unit": unit,
        "teacher": entry.teacher.short_name,
        "room": entry.room.number if entry.room_id else "",
        "weeks": {"odd": "нечёт.", "even": "чёт."}.get(entry.weeks, ""),
        "show_unit": kind != "class",
        "show_teacher": kind != "teacher",
        "show_room": kind != "room",
    }


@scope_required(*READ)
def grid(request):
    """One class's, teacher's or room's week: rows are lesson numbers, columns weekdays."""
    kind = request.GET.get("kind", "class")
    if kind not in ("class", "teacher", "room"):
        kind = "class"
    year = _current_year()
    classes = (
        list(SchoolClass.objects.filter(year=year).order_by("grade", "letter")) if year else []
    )
    teachers = list(Staff.objects.filter(deactivated_at__isnull=True).order_by("last_name"))
    rooms = list(Room.objects.filter(is_active=True).order_by("number"))
    options = {"class": classes, "teacher": teachers, "room": rooms}[kind]
    selected = None
    raw = request.GET.get("id", "")
    if raw.isdigit():
        selected = next((o for o in options if o.pk == int(raw)), None)
    elif options:
        selected = options[0]
    cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
    entries = []
    if selected is not None:
        field = {"class": "school_class", "teacher": "teacher", "room": "room"}[kind]
        match = Q(**{field: selected})
        if kind == "class":  # a class's week includes its groups' lessons
            match |= Q(group__classes=selected)
        today = timezone.localdate()
        entries = list(
            TimetableEntry.objects.filter(match, valid_to__gte=today)
            .select_related("school_class", "group", "subject", "teacher", "room")
            .distinct()
            .order_by("weekday", "number", "group__name")
        )
        for entry in entries:
            cells[(entry.weekday, entry.number)].append(_subject_label(entry, kind))
    bells = {}
    schedule = BellSchedule.objects.filter(is_default=True).first()
    if schedule is not None:
        bells = {b.number: b for b in Bell.objects.filter(schedule=schedule)}
    last = max([7, *bells, *(n for _, n in cells)])
    first = 0 if any(n == 0 for _, n in cells) else 1
    days = DAYS if any(d == 6 for d, _ in cells) or kind != "class" else DAYS[:5]
    rows = [
        {
            "number": n,
            "bell": bells.get(n),
            "cells": [{"day": d, "items": cells.get((d, n), [])} for d, _ in days],
        }
        for n in range(first, last + 1)
    ]
    return render(
        request,
        "timetable/grid.html",
        {
            "kind": kind,
            "options": options,
            "selected": selected,
            "days": days,
            "rows": rows,
            "can_edit": kind == "class"
            and selected is not None
            and request.caller.has_any({Scope.TIMETABLE_WRITE}),
        },
    )


class EntryForm(forms.Form):
    subject = forms.TypedChoiceField(label="Предмет", coerce=int)
    unit = forms.ChoiceField(label="Класс или группа")
    teacher = forms.TypedChoiceField(label="Учитель", coerce=int)
    room = forms.TypedChoiceField(label="Кабинет", coerce=int, required=False, empty_value=None)
    weeks = forms.ChoiceField(label="Недели", choices=Weeks.choices, initial=Weeks.EVERY)
    valid_from = forms.DateField(label="Действует с", widget=DATE)
    valid_to = forms.DateField(label="Действует по", widget=DATE)

    def __init__(self, *args, school_class: SchoolClass, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        load = (
            Teaching.objects.filter(
                Q(school_class=school_class) | Q(group__classes=school_class), start__lte=today
            )
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .select_related("subject", "staff", "group")
        )
        subjects = {t.subject_id: t.subject.name for t in load}
        teachers = {t.staff_id: t.staff.short_name for t in load}
        units = {f"c{school_class.pk}": school_class.name}
        units |= {f"g{t.group_id}": t.group.name for t in load if t.group_id}
        self.fields["subject"].choices = sorted(subjects.items(), key=lambda x: x[1])
        self.fields["teacher"].choices = sorted(teachers.items(), key=lambda x: x[1])
        self.fields["unit"].choices = list(units.items())
        self.fields["room"].choices = [("", "—")] + [
            (r.pk, f"{r.number} {r.name}".strip())
            for r in Room.objects.filter(is_active=True).order_by("number")
        ]


def _entry_initial(entry: TimetableEntry | None, year: AcademicYear) -> dict:
    if entry is None:
        return {"valid_from": max(year.start, timezone.localdate()), "valid_to": year.end}
    return {
        "subject": entry.subject_id,
        "unit": f"c{entry.school_class_id}" if entry.school_class_id else f"g{entry.group_id}",
        "teacher": entry.teacher_id,
        "room": entry.room_id,
        "weeks": entry.weeks,
        "valid_from": entry.valid_from,
        "valid_to": entry.valid_to,
    }


@scope_required(Scope.TIMETABLE_WRITE)
def cell(request, class_pk: int, weekday: int, number: int):
    """Edit one cell of a class's week: change or add an entry, or remove one."""
    school_class = get_object_or_404(SchoolClass.objects.select_related("year"), pk=class_pk)
    if not (1 <= weekday <= 6 and 0 <= number <= 12):
        raise Http404
    here = TimetableEntry.objects.filter(weekday=weekday, number=number).filter(
        Q(school_class=school_class) | Q(group__classes=school_class)
    )
    existing = list(
        here.select_related("subject", "teacher", "room", "group", "school_class").distinct()
    )
    edit_pk = request.POST.get("entry") or request.GET.get("entry")
    entry = next((e for e in existing if str(e.pk) == str(edit_pk)), None)
    if request.method == "POST" and request.POST.get("delete"):
        victim = next((e for e in existing if str(e.pk) == request.POST["delete"]), None)
        if victim is not None:
            services.timetable_entry_delete(ctx=_ctx(request), entry=victim)
            messages.success(request, "Урок убран из расписания.")
        return redirect(f"/timetable/?kind=class&id={school_class.pk}")
    form = EntryForm(
        request.POST or None,
        school_class=school_class,
        initial=_entry_initial(entry, school_class.year),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = d["unit"]
        group = Group.objects.filter(pk=int(unit[1:])).first() if unit.startswith("g") else None
        try:
            services.timetable_entry_save(
                ctx=_ctx(request),
                data=services.EntryInput(
                    subject=Subject.objects.get(pk=d["subject"]),
                    teacher=Staff.objects.get(pk=d["teacher"]),
                    weekday=weekday,
                    number=number,
                    valid_from=d["valid_from"],
                    valid_to=d["valid_to"],
                    school_class=None if group else school_class,
                    group=group,
                    room=Room.objects.filter(pk=d["room"]).first() if d["room"] else None,
                    weeks=d["weeks"],
                ),
                entry=entry,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = field if field in form.fields else None
                if field == "school_class" or field == "group":
                    target = "unit"
                for problem in problems:
                    form.add_error(target, problem)
        else:
            messages.success(request, "Расписание сохранено.")
            return redirect(f"/timetable/?kind=class&id={school_class.pk}")
    return render(
        request,
        "timetable/cell.html",
        {
            "school_class": school_class,
            "weekday": WEEKDAYS[weekday],
            "number": number,
            "existing": existing,
            "entry": entry,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- the substitutions board (TTB-05)


class SubstitutionForm(forms.Form):
    lesson = forms.TypedChoiceField(label="Урок", coerce=int)
    substitute = forms.TypedChoiceField(label="Замещающий учитель", coerce=int)
    reason = forms.CharField(label="Причина", max_length=200)

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [
            (
                lesson.pk,
                f"{lesson.number}-й урок · "
                f"{lesson.school_class.name if lesson.school_class_id else lesson.group.name} · "
                f"{lesson.subject.name} · {lesson.teacher.short_name}",
            )
            for lesson in lessons
        ]
        self.fields["substitute"].choices = [
            (s.pk, s.short_name)
            for s in Staff.objects.filter(deactivated_at__isnull=True).order_by("last_name")
        ]


@scope_required(*READ)
def substitutions(request):
    """The day's lessons with substitutions and moves; a deputy registers a substitution."""
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    lessons = list(
        Lesson.objects.filter(date=day)
        .select_related("school_class", "group", "subject", "teacher", "substitute", "room")
        .order_by("number", "school_class__grade", "school_class__letter", "group__name")
    )
    can_edit = request.caller.has_any({Scope.TIMETABLE_WRITE})
    open_lessons = [lesson for lesson in lessons if lesson.substitute_id is None]
    form = SubstitutionForm(request.POST or None, lessons=open_lessons)
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.substitution_register(
                    ctx=_ctx(request),
                    lesson=next(x for x in open_lessons if x.pk == d["lesson"]),
                    substitute=Staff.objects.get(pk=d["substitute"]),
                    reason=d["reason"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, "Замена зарегистрирована.")
                return redirect(f"/timetable/substitutions/?date={day.isoformat()}")
    return render(
        request,
        "timetable/substitutions.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "changed": [x for x in lessons if x.substitute_id or x.moved_from],
            "lessons": lessons,
            "form": form,
            "can_edit": can_edit and bool(open_lessons),
        },
        status=400 if form.errors else 200,
    )


# --- lesson plans (TTB-06)


class NewPlanForm(forms.Form):
    teaching = forms.TypedChoiceField(label="Класс или группа, предмет", coerce=int)

    def __init__(self, *args, teaching, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teaching"].choices = [
            (t.pk, f"{(t.school_class or t.group).name} · {t.subject.name}") for t in teaching
        ]


@scope_required(*READ)
def plan_list(request):
    """The caller's plans (a teacher: for their classes and groups; the administration: all)."""
    staff = staff_of(request.caller)
    year = _current_year()
    is_admin = request.caller.has_any({Scope.TIMETABLE_WRITE})
    queryset = LessonPlan.objects.filter(year=year).select_related(
        "school_class", "group", "subject", "author"
    )
    teaching = []
    if staff is not None and year is not None:
        today = timezone.localdate()
        teaching = list(
            Teaching.objects.filter(staff=staff, start__lte=today)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .filter(Q(school_class__year=year) | Q(group__year=year))
            .select_related("school_class", "group", "subject")
        )
    if not is_admin:
        mine = Q(pk__in=[])
        for t in teaching:
            mine |= Q(school_class_id=t.school_class_id, group_id=t.group_id, subject=t.subject_id)
        queryset = queryset.filter(mine)
    rows = list(queryset.order_by("school_class__grade", "school_class__letter", "subject__name"))
    have = {(p.school_class_id, p.group_id, p.subject_id) for p in rows}
    missing = [t for t in teaching if (t.school_class_id, t.group_id, t.subject_id) not in have]
    form = NewPlanForm(request.POST or None, teaching=missing)
    if request.method == "POST" and form.is_valid():
        t = next(x for x in missing if x.pk == form.cleaned_data["teaching"])
        try:
            plan = plans.plan_create(
                ctx=_ctx(request),
                caller=request.caller,
                year=year,
                subject=t.subject,
                school_class=t.school_class,
                group=t.group,
            )
        except PermissionDenied:
            return render(request, "403.html", status=403)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect(f"/timetable/plans/{plan.pk}/")
    return render(
        request,
        "timetable/plans.html",
        {"rows": rows, "form": form, "can_create": bool(missing), "year": year},
        status=400 if form.errors else 200,
    )


class TopicRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    position = forms.IntegerField(label="№", min_value=1, required=False)
    section = forms.CharField(label="Раздел", max_length=300, required=False)
    title = forms.CharField(label="Тема", max_length=500, required=False)
    hours = forms.IntegerField(label="Часов", min_value=1, max_value=200, required=False)
    remove = forms.BooleanField(label="Удалить", required=False)


TopicFormSet = forms.formset_factory(TopicRowForm, extra=5, max_num=400)


class ImportForm(forms.Form):
    file = forms.FileField(label="Файл CSV или XLSX (столбцы «Раздел», «Тема», «Часов»)")


class CopyForm(forms.Form):
    source = forms.TypedChoiceField(label="Скопировать темы из", coerce=int)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (p.pk, f"{p.year.name} · {p.unit.name} · {p.author.short_name}") for p in sources
        ]


def _topics_from(formset) -> list[plans.TopicInput]:
    rows = []
    for i, form in enumerate(formset.forms):
        d = form.cleaned_data
        if not d or d.get("remove") or not (d.get("title") or "").strip():
            continue
        rows.append((d.get("position") or 10_000 + i, i, d))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [
        plans.TopicInput(
            title=d["title"], hours=d.get("hours") or 1, section=d.get("section") or "", id=d["id"]
        )
        for _, _, d in rows
    ]


@scope_required(*READ)
def plan_edit(request, pk: int):
    """The plan editor: topics in order with hours (renumber to move), import, copy, progress."""
    plan = get_object_or_404(
        LessonPlan.objects.select_related("year", "school_class", "group", "subject", "author"),
        pk=pk,
    )
    can_edit = plan_writer(request.caller, plan)  # what to show; the services decide writes
    topics = list(plan.topics.order_by("position"))
    initial = [
        {"id": t.pk, "position": t.position, "section": t.section, "title": t.title,
         "hours": t.hours}
        for t in topics
    ]  # fmt: skip
    sources = plans.copy_sources(plan) if can_edit else []
    formset = TopicFormSet(initial=initial, prefix="t")
    import_form, copy_form = ImportForm(), CopyForm(sources=sources)
    if request.method == "POST":
        which = request.POST.get("action", "save")
        try:
            if which == "import":
                import_form = ImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    upload = import_form.cleaned_data["file"]
                    plans.plan_import(
                        ctx=_ctx(request),
                        caller=request.caller,
                        plan=plan,
                        file_name=upload.name,
                        data=upload.read(),
                    )
                    messages.success(request, "Темы загружены из файла.")
                    return redirect(request.path)
            elif which == "copy":
                copy_form = CopyForm(request.POST, sources=sources)
                if copy_form.is_valid():
                    source = next(s for s in sources if s.pk == copy_form.cleaned_data["source"])
                    plans.plan_copy(
                        ctx=_ctx(request), caller=request.caller, plan=plan, source=source
                    )
                    messages.success(request, "Темы скопированы.")
                    return redirect(request.path)
            else:
                formset = TopicFormSet(request.POST, initial=initial, prefix="t")
                if formset.is_valid():
                    plans.plan_topics_save(
                        ctx=_ctx(request),
                        caller=request.caller,
                        plan=plan,
                        topics=_topics_from(formset),
                    )
                    messages.success(request, "Планирование сохранено.")
                    return redirect(request.path)
        except PermissionDenied:
            return render(request, "403.html", status=403)
        except ValidationError as error:
            target = {"import": import_form, "copy": copy_form}.get(which)
            if target is not None:
                target.add_error(None, error.messages)
            else:
                messages.error(request, " ".join(error.messages))
    progress = plans.plan_progress(plan, timezone.localdate())
    return render(
        request,
        "timetable/plan.html",
        {
            "plan": plan,
            "formset": formset,
            "import_form": import_form,
            "copy_form": copy_form,
            "has_sources": bool(sources),
            "progress": progress,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )
