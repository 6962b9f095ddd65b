"""Paper extracts of the diary (DIA-07, X-09) for guardians who refused the electronic diary,
who have no access to it (no consent naming the web diary is registered), or who asked for
paper; the class teacher's list of them; the extract itself as a PDF.

Who is on paper is decided per guardian link (an active `GuardianLink`), with the consent
registry first (`tenants.people.consents`, PDN-04):
- an active refusal → "refusal";
- no active consent naming the web diary → "no access";
- otherwise a recorded `PaperChoice` with the paper flag → "asked for paper".
A refusal registered in the registry puts the child on the list at once, before any method is
agreed ("способ не согласован"). A child is on paper when any of their guardians is.

The extract is built by the diary's own builders (`week.diary_week`, `child.diary_summary`), fed
with a `family.Child` made for the student in the current school (`child_in_school`), so paper
and screen show the same data, and entries invalidated as a compromised account's (AUD-06) never
show. One PDF holds one section (starting on a new page) per child.

Call everything inside the school's schema. Writes go through the services below, each appending
its audit record in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from otmetka.audit.chain import Entry
from otmetka.audit.context import AuditContext, Source
from tenants.audit.services import school_audit_append, school_audit_append_many
from tenants.configuration.models import Period
from tenants.configuration.selectors import regulation_in_force
from tenants.people.choices import Channel, Decision, Relation, StudentStatus
from tenants.people.models import (
    ClassMembership,
    Consent,
    Guardian,
    GuardianLink,
    SchoolClass,
    Student,
    full_name,
    short_name,
)
from tenants.people.selectors import current, led_class_ids, staff_of

from . import child as one_child
from .family import Child, School
from .models import (
    DeliveryMethod,
    ExtractKind,
    PaperChoice,
    PaperExtract,
    PaperJob,
    PaperReason,
)
from .week import diary_week, week_of

# Who may see the paper list and record a guardian's choice: the director, deputies and class
# teachers (diary:receipts), and the school's administration that registers applications
# (people:write). Who may produce extracts: the director, deputies and class teachers.
PAPER_READ = frozenset({Scope.DIARY_RECEIPTS, Scope.PEOPLE_WRITE})
PAPER_WRITE = PAPER_READ
PAPER_PRINT = frozenset({Scope.DIARY_RECEIPTS})
NOT_LED = "Бумажные выписки ведут директор, заместители и классный руководитель своего класса."

# --- whom the caller may see -------------------------------------------------------------------


def paper_students(caller: Caller, on: date | None = None) -> QuerySet[Student]:
    """The students whose paper extracts the caller handles: the whole school for the director,
    deputies and the administration (people:read); a class teacher, the current students of the
    classes they lead. Anyone else: PermissionDenied."""
    on = on or timezone.localdate()
    studying = Student.objects.filter(status=StudentStatus.STUDYING)
    if caller.has_any({Scope.PEOPLE_READ}):
        return studying
    led = led_class_ids(staff_of(caller), on) if caller.has_any(PAPER_READ) else set()
    if not led:
        raise PermissionDenied(NOT_LED)
    members = current(ClassMembership.objects.filter(school_class_id__in=led), on)
    return studying.filter(pk__in=members.values("student_id"))


def paper_classes(caller: Caller, on: date | None = None) -> QuerySet[SchoolClass]:
    """The classes of the current year the caller may pick: all, or the ones they lead."""
    on = on or timezone.localdate()
    classes = SchoolClass.objects.filter(year__is_current=True).order_by("grade", "letter", "pk")
    if caller.has_any({Scope.PEOPLE_READ}):
        return classes
    return classes.filter(pk__in=led_class_ids(staff_of(caller), on))


def led_class_first(caller: Caller, on: date | None = None) -> int | None:
    """The class the caller leads (the page's preselected class), if any."""
    led = sorted(led_class_ids(staff_of(caller), on or timezone.localdate()))
    return led[0] if led else None


def in_class(students: QuerySet[Student], class_id: int, on: date) -> QuerySet[Student]:
    members = current(ClassMembership.objects.filter(school_class_id=class_id), on)
    return students.filter(pk__in=members.values("student_id"))


# --- the child, as the diary's builders take it ------------------------------------------------


def _membership(on: date) -> QuerySet[ClassMembership]:
    """The student's (OuterRef "pk") class membership of the current year in force on `on`."""
    return current(
        ClassMembership.objects.filter(
            student_id=OuterRef("pk"), school_class__year__is_current=True
        ),
        on,
    )


def _school() -> School:
    from otmetka.region.models import School as SchoolModel

    row = (
        SchoolModel.objects.filter(schema_name=connection.schema_name)
        .values_list("pk", "slug", "schema_name", "full_name", "time_zone")
        .get()
    )
    return School(*row)


def children_in_school(student_ids: list[int], on: date | None = None) -> list[Child]:
    """`family.Child` for students of the current school (their current class), in the order
    given: two queries for any number."""
    on = on or timezone.localdate()
    if not student_ids:
        return []
    school = _school()
    membership = _membership(on)
    rows = {
        pk: (last, first, middle, class_id, grade, letter)
        for pk, last, first, middle, class_id, grade, letter in Student.objects.filter(
            pk__in=student_ids
        )
        .annotate(
            class_id=Subquery(membership.values("school_class_id")[:1]),
            grade=Subquery(membership.values("school_class__grade")[:1]),
            letter=Subquery(membership.values("school_class__letter")[:1]),
        )
        .values_list("pk", "last_name", "first_name", "middle_name", "class_id", "grade", "letter")
    }
    return [
        Child(
            school=school, student_id=pk, last_name=last, first_name=first, middle_name=middle,
            role="guardian", class_id=class_id, class_name=f"{grade}{letter}" if grade else "",
            grade=grade,
        )
        for pk in student_ids
        if pk in rows
        for last, first, middle, class_id, grade, letter in [rows[pk]]
    ]  # fmt: skip


def child_in_school(student_id: int, on: date | None = None) -> Child:
    """The student as a `family.Child` of the current school; LookupError if there is none."""
    found = children_in_school([student_id], on)
    if not found:
        raise LookupError(student_id)
    return found[0]


# --- the list ----------------------------------------------------------------------------------


def _registry_reason(consents: list[tuple[str, list]]) -> str | None:
    """What the consent registry says of one guardian and child (active applications only)."""
    if any(decision == Decision.REFUSAL for decision, _ in consents):
        return PaperReason.REFUSAL
    if not any(
        decision == Decision.CONSENT and Channel.WEB in (channels or [])
        for decision, channels in consents
    ):
        return PaperReason.NO_ACCESS
    return None


def _choice_json(choice: PaperChoice | None) -> dict:
    if choice is None:
        return {"method": "", "method_label": "", "address": "", "note": "", "agreed_on": None,
                "recorded_at": None}  # fmt: skip
    return {
        "method": choice.method,
        "method_label": choice.get_method_display() if choice.method else "",
        "address": choice.address,
        "note": choice.note,
        "agreed_on": choice.agreed_on,
        "recorded_at": choice.recorded_at,
    }


def _extract_json(extract: PaperExtract | None) -> dict | None:
    if extract is None:
        return None
    return {
        "id": extract.pk,
        "kind": extract.kind,
        "start": extract.start,
        "end": extract.end,
        "period": extract.period_name,
        "generated_at": extract.generated_at,
        "handed_at": extract.handed_at,
        "method": extract.method,
    }


def paper_rows(
    students: QuerySet[Student], *, on: date | None = None, only_paper: bool = True
) -> list[dict]:
    """Each student with their guardians' paper status (reason, method agreed), the last
    extract and whether the next one is due (X-09: the last is `paper_extract_interval_days`
    old or more, or there is none). With `only_paper`, the children on paper only.

    A fixed number of queries whatever the number of students: the students with their current
    class, the guardian links, the consents, the choices, the last extracts, the regulation."""
    on = on or timezone.localdate()
    membership = _membership(on)
    students_rows = list(
        students.annotate(
            class_id=Subquery(membership.values("school_class_id")[:1]),
            grade=Subquery(membership.values("school_class__grade")[:1]),
            letter=Subquery(membership.values("school_class__letter")[:1]),
        )
        .order_by("last_name", "first_name", "middle_name", "pk")
        .values_list("pk", "last_name", "first_name", "middle_name", "class_id", "grade", "letter")
    )
    ids = [row[0] for row in students_rows]
    if not ids:
        return []
    links: dict[int, list[tuple]] = {}
    for student_id, guardian_id, relation, last, first, middle in (
        GuardianLink.objects.filter(student_id__in=ids, ended_at__isnull=True)
        .order_by("guardian__last_name", "guardian__first_name", "pk")
        .values_list("student_id", "guardian_id", "relation", "guardian__last_name",
                     "guardian__first_name", "guardian__middle_name")
    ):  # fmt: skip
        links.setdefault(student_id, []).append((guardian_id, relation, last, first, middle))
    consents: dict[tuple[int, int], list[tuple[str, list]]] = {}
    for student_id, guardian_id, decision, channels in Consent.objects.filter(
        student_id__in=ids, guardian__isnull=False, withdrawn_on__isnull=True
    ).values_list("student_id", "guardian_id", "decision", "channels"):
        consents.setdefault((student_id, guardian_id), []).append((decision, channels))
    choices = {
        (c.student_id, c.guardian_id): c for c in PaperChoice.objects.filter(student_id__in=ids)
    }
    last = {
        e.student_id: e
        for e in PaperExtract.objects.filter(student_id__in=ids)
        .order_by("student_id", "-generated_at", "-pk")
        .distinct("student_id")
    }
    interval = int(regulation_in_force(on)["paper_extract_interval_days"])
    rows = []
    for pk, s_last, s_first, s_middle, class_id, grade, letter in students_rows:
        guardians = []
        for guardian_id, relation, g_last, g_first, g_middle in links.get(pk, []):
            choice = choices.get((pk, guardian_id))
            reason = _registry_reason(consents.get((pk, guardian_id), []))
            if reason is None and choice is not None and choice.paper:
                reason = PaperReason.ASKED
            guardians.append({
                "id": guardian_id,
                "name": full_name(g_last, g_first, g_middle),
                "relation": Relation(relation).label if relation in Relation.values else "",
                "paper": reason is not None,
                "reason": reason or "",
                "reason_label": PaperReason(reason).label if reason else "",
                **_choice_json(choice),
            })  # fmt: skip
        on_paper = [g for g in guardians if g["paper"]]
        if only_paper and not on_paper:
            continue
        extract = last.get(pk)
        last_day = timezone.localdate(extract.generated_at) if extract else None
        rows.append({
            "student": {"id": pk, "name": full_name(s_last, s_first, s_middle),
                        "short_name": short_name(s_last, s_first, s_middle)},
            "class": {"id": class_id, "name": f"{grade}{letter}"} if class_id else None,
            "paper": bool(on_paper),
            "reasons": sorted({g["reason"] for g in on_paper}),
            "method_agreed": bool(on_paper) and all(g["method"] for g in on_paper),
            "guardians": guardians,
            "last_extract": _extract_json(extract),
            "due": bool(on_paper) and (last_day is None or (on - last_day).days >= interval),
            "interval_days": interval,
        })  # fmt: skip
    return rows


# --- recording a guardian's choice -------------------------------------------------------------


def _snapshot(choice: PaperChoice | None) -> dict | None:
    if choice is None:
        return None
    return {
        "paper": choice.paper,
        "reason": choice.reason,
        "method": choice.method,
        "address": choice.address,
        "note": choice.note,
        "agreed_on": choice.agreed_on,
    }


@transaction.atomic
def paper_choice_record(
    *,
    ctx: AuditContext,
    student: Student,
    guardian: Guardian | None,
    paper: bool = True,
    method: str = "",
    address: str = "",
    note: str = "",
    agreed_on: date | None = None,
    on: date | None = None,
) -> PaperChoice:
    """Record how a guardian gets the child's extracts (or, for a guardian who consented to the
    electronic diary, that they asked for paper, or no longer do). The reason is the registry's
    (refusal, no access) when it has one, else "asked". A guardian the registry puts on paper
    cannot be taken off it here: that takes a consent registered in the registry."""
    on = on or timezone.localdate()
    address, note = (address or "").strip(), (note or "").strip()
    errors: dict[str, str] = {}
    link = None
    if guardian is None:
        errors["guardian"] = "Выберите законного представителя."
    else:
        # the link's row is the lock: two clerks recording at once write one after the other
        link = (
            GuardianLink.objects.select_for_update()
            .filter(guardian=guardian, student=student, ended_at__isnull=True)
            .first()
        )
        if link is None:
            errors["guardian"] = "Это не законный представитель этого обучающегося."
    if student.status != StudentStatus.STUDYING:
        errors["student"] = "Обучающийся не числится в школе."
    forced = None
    if link is not None:
        forced = _registry_reason(
            list(
                Consent.objects.filter(
                    student=student, guardian=guardian, withdrawn_on__isnull=True
                ).values_list("decision", "channels")
            )
        )
    if paper:
        if method not in DeliveryMethod.values:
            errors["method"] = "Выберите способ передачи выписок."
        if method == DeliveryMethod.POST and not address:
            errors["address"] = "Укажите почтовый адрес."
        if method == DeliveryMethod.OTHER and not note:
            errors["note"] = "Опишите, как передаются выписки."
    elif forced is not None:
        errors["paper"] = (
            "По реестру согласий этот представитель получает выписки на бумаге "
            f"({PaperReason(forced).label.lower()}); изменить это может только новое заявление."
        )
    if len(address) > 300:
        errors["address"] = "Не длиннее 300 знаков."
    if len(note) > 300:
        errors["note"] = "Не длиннее 300 знаков."
    if agreed_on is not None and agreed_on > on:
        errors["agreed_on"] = "Дата согласования не может быть позже сегодняшней."
    if errors:
        raise ValidationError(errors)
    choice = PaperChoice.objects.filter(student=student, guardian=guardian).first()
    old = _snapshot(choice)
    choice = choice or PaperChoice(student=student, guardian=guardian)
    choice.paper = paper
    choice.reason = forced or PaperReason.ASKED
    if paper:  # taken off paper, the method agreed before stays on record
        choice.method = method
        choice.address = address if method == DeliveryMethod.POST else ""
        choice.note = note
        choice.agreed_on = agreed_on or on
    choice.recorded_by = ctx.actor_id
    choice.recorded_at = timezone.now()
    choice.save()
    school_audit_append(
        ctx=ctx,
        action="diary.paper_choice",
        obj=choice,
        old=old,
        new={"student": student.pk, "guardian": guardian.pk, **(_snapshot(choice) or {})},
    )
    return choice


# --- extracts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    pdf: bytes
    extracts: list[PaperExtract]


def _class_teachers(class_ids: set[int]) -> dict[int, str]:
    return {
        pk: short_name(last, first, middle) if last else ""
        for pk, last, first, middle in SchoolClass.objects.filter(pk__in=class_ids).values_list(
            "pk", "class_teacher__last_name", "class_teacher__first_name",
            "class_teacher__middle_name",
        )
    }  # fmt: skip


def _periods(children: list[Child], period_id: int | None, on: date) -> dict[int, Period]:
    periods, missing = {}, []
    for child in children:
        period = one_child.period_for(child, period_id, on)
        if period is None:
            missing.append(child.short_name)
        else:
            periods[child.student_id] = period
    if missing:
        raise ValidationError(
            {"period": "Нет такого учебного периода для класса: " + ", ".join(missing) + "."}
        )
    return periods


def _recipients(row: dict) -> list[dict]:
    return [g for g in row["guardians"] if g["paper"]]


def _method_of(row: dict) -> str:
    """The delivery method an extract is logged with: the first agreed among its guardians."""
    return next((g["method"] for g in _recipients(row) if g["method"]), "")


def extracts_pdf(
    children: list[Child],
    rows: dict[int, dict],
    *,
    kind: str,
    day: date | None = None,
    periods: dict[int, Period] | None = None,
    issued_on: date,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """One PDF, a section per child starting on a new page (A4, in Russian)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    sections = []
    if kind == ExtractKind.WEEK:
        week = diary_week(children, day or issued_on)
        start, end = week["week"]["start"], week["week"]["end"]
        for child, shown in zip(children, week["children"], strict=True):
            sections.append({"child": child, "start": start, "end": end, "days": shown["days"]})
    else:
        for child in children:
            period = (periods or {})[child.student_id]
            summary = one_child.diary_summary(child, period)
            sections.append({"child": child, "start": period.start, "end": period.end,
                             "period": period.name, "summary": summary})  # fmt: skip
    teachers = _class_teachers({c.class_id for c in children if c.class_id})
    school = children[0].school.name
    fonts = FontConfiguration()
    documents = []
    for done, section in enumerate(sections, 1):
        child = section["child"]
        section["class_teacher"] = teachers.get(child.class_id, "")
        section["recipients"] = _recipients(rows[child.student_id])
        html = render_to_string(
            "diary/paper_extract.html",
            {"sections": [section], "kind": kind, "school": school, "issued_on": issued_on},
        )
        # a document per child: progress can be told, and each child's pages count from 1
        documents.append(HTML(string=html).render(font_config=fonts))
        if progress is not None:
            progress(done, len(sections))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


@dataclass(frozen=True)
class Batch:
    """What a set of extracts covers, checked before anything is made."""

    kind: str
    rows: dict[int, dict]  # paper_rows by student id
    children: list[Child]
    periods: dict[int, Period] | None  # by student id, for a period's extracts
    day: date  # a day of the week, for a week's extracts


NOT_ON_PAPER = "Выписки на бумаге не нужны: представители получают электронный дневник."


def paper_batch(
    students: QuerySet[Student],
    *,
    kind: str,
    day: date | None = None,
    period_id: int | None = None,
    on: date | None = None,
    empty_field: str = "student",
) -> Batch:
    """The students on paper among `students` (already narrowed to whom the caller may see),
    as the diary's children, with the week or each one's period; ValidationError otherwise."""
    on = on or timezone.localdate()
    if kind not in ExtractKind.values:
        raise ValidationError({"kind": "Выберите: за неделю или за период."})
    rows = {r["student"]["id"]: r for r in paper_rows(students, on=on)}
    if not rows:
        raise ValidationError({empty_field: NOT_ON_PAPER})
    children = children_in_school(list(rows), on)
    periods = _periods(children, period_id, on) if kind == ExtractKind.PERIOD else None
    return Batch(kind, rows, children, periods, day or on)


def _record(ctx: AuditContext, batch: Batch, handed: bool) -> list[PaperExtract]:
    return paper_extracts_record(
        ctx=ctx,
        items=[
            (
                c.student_id,
                _method_of(batch.rows[c.student_id]),
                (batch.periods or {}).get(c.student_id),
            )
            for c in batch.children
        ],
        kind=batch.kind,
        week=week_of(batch.day),
        handed=handed,
    )


def paper_extracts_make(
    *, ctx: AuditContext, batch: Batch, handed: bool = True, on: date | None = None
) -> Made:
    """The batch's extracts as one PDF, and their entries in the issue log (handed over now
    when `handed`). Nothing is logged when the PDF cannot be made."""
    on = on or timezone.localdate()
    pdf = extracts_pdf(
        batch.children, batch.rows, kind=batch.kind, day=batch.day, periods=batch.periods,
        issued_on=on,
    )  # fmt: skip
    return Made(pdf, _record(ctx, batch, handed))


# --- a class's extracts in the background ------------------------------------------------------


def _progress_key(schema: str, job_id: int) -> str:
    return f"paper-progress:{schema}:{job_id}"


def paper_job_progress(job: PaperJob) -> dict:
    done, total = cache.get(_progress_key(connection.schema_name, job.pk)) or (0, 0)
    if job.status == "done":
        done = total = max(job.extracts, 1)
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0}


def paper_job_start(
    *,
    ctx: AuditContext,
    school_class: SchoolClass,
    batch: Batch,
    handed: bool = True,
) -> PaperJob:
    """Queue the class's extracts (checked already: `paper_batch`); the task starts once this
    transaction commits and fills the job: progress, the PDF, the issue log."""
    from .tasks import make_paper_extracts_task

    periods = list((batch.periods or {}).values())
    job = PaperJob.objects.create(
        school_class=school_class,
        kind=batch.kind,
        student_ids=[c.student_id for c in batch.children],
        day=batch.day if batch.kind == ExtractKind.WEEK else None,
        period=periods[0] if periods else None,
        handed=handed,
        created_by=ctx.actor_id,
        created_role=ctx.actor_role,
    )
    schema = connection.schema_name
    transaction.on_commit(lambda: make_paper_extracts_task.delay(schema, job.pk))
    return job


def paper_job_run(job: PaperJob) -> PaperJob:
    """Make the job's PDF and log its extracts (called by the task, in the school's schema).
    The students are checked again: one whose guardians went electronic meanwhile is left out."""
    from services.storage import get_storage

    schema = connection.schema_name
    key = _progress_key(schema, job.pk)
    job.status = "running"
    job.save(update_fields=["status"])
    ctx = AuditContext(
        actor_id=job.created_by, actor_role=job.created_role or "system", source=Source.TASK,
        request_id=f"paper-job-{job.pk}",
    )  # fmt: skip
    on = timezone.localdate()
    try:
        batch = paper_batch(
            Student.objects.filter(pk__in=job.student_ids, status=StudentStatus.STUDYING),
            kind=job.kind, day=job.day, period_id=job.period_id, on=on,
        )  # fmt: skip
        pdf = extracts_pdf(
            batch.children, batch.rows, kind=batch.kind, day=batch.day, periods=batch.periods,
            issued_on=on, progress=lambda done, total: cache.set(key, (done, total), 3600),
        )  # fmt: skip
        file_key = f"schools/{schema}/paper/{uuid.uuid4().hex}.pdf"
        get_storage().put(file_key, pdf, "application/pdf")
        with transaction.atomic():
            extracts = _record(ctx, batch, job.handed)
            job.status, job.file_key, job.extracts = "done", file_key, len(extracts)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "file_key", "extracts", "finished_at"])
    except ValidationError as exc:
        job.status, job.error = "failed", " ".join(exc.messages)[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    except Exception:
        job.status, job.error = "failed", "Внутренняя ошибка: выписки не сформированы."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    return job


PAPER_JOB_KEEP_DAYS = 7


def paper_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the PDFs of class batches finished more than PAPER_JOB_KEEP_DAYS ago (they hold
    children's marks; the issue log stays). The job keeps its row, marked "expired"."""
    from services.storage import objects_forget

    cutoff = (now or timezone.now()) - timedelta(days=PAPER_JOB_KEEP_DAYS)
    old = list(
        PaperJob.objects.filter(status="done", finished_at__lt=cutoff)
        .exclude(file_key="")
        .values_list("pk", "file_key")
    )
    if not old:
        return 0
    objects_forget([key for _, key in old], what="paper batch")
    PaperJob.objects.filter(pk__in=[pk for pk, _ in old]).update(status="expired", file_key="")
    return len(old)


def paper_job_pdf(job: PaperJob) -> bytes:
    from services.storage import get_storage

    return get_storage().get(job.file_key)


def paper_jobs_visible(caller: Caller) -> QuerySet[PaperJob]:
    """The director and deputies see every class's jobs; a class teacher, their own."""
    if caller.has_any({Scope.PEOPLE_READ}):
        return PaperJob.objects.all()
    return PaperJob.objects.filter(created_by=caller.user_id)


@transaction.atomic
def paper_extracts_record(
    *,
    ctx: AuditContext,
    items: list[tuple[int, str, Period | None]],
    kind: str,
    week: tuple[date, date] | None = None,
    handed: bool = True,
) -> list[PaperExtract]:
    """Log extracts issued: (student id, delivery method, period) each; for a week, its dates.
    One insert and one audit append for any number."""
    now = timezone.now()
    extracts = PaperExtract.objects.bulk_create([
        PaperExtract(
            student_id=student_id, kind=kind,
            start=period.start if period else week[0], end=period.end if period else week[1],
            period=period, period_name=period.name if period else "", method=method,
            generated_at=now, generated_by=ctx.actor_id,
            handed_at=now if handed else None, handed_by=ctx.actor_id if handed else None,
        )
        for student_id, method, period in items
    ])  # fmt: skip
    school_audit_append_many(
        ctx=ctx,
        entries=[
            Entry(action="diary.paper_extract", obj=e,
                  new={"student": e.student_id, "kind": e.kind, "start": e.start, "end": e.end,
                       "method": e.method, "handed": handed})
            for e in extracts
        ],
    )  # fmt: skip
    return extracts


@transaction.atomic
def paper_extract_hand_over(
    *, ctx: AuditContext, extract: PaperExtract, method: str = ""
) -> PaperExtract:
    """Mark an extract handed over or sent (when it was not at once)."""
    extract = PaperExtract.objects.select_for_update().get(pk=extract.pk)
    if extract.handed_at is not None:
        raise ValidationError(
            {"extract": f"Выписка уже выдана {timezone.localtime(extract.handed_at):%d.%m.%Y}."}
        )
    if method and method not in DeliveryMethod.values:
        raise ValidationError({"method": "Выберите способ передачи выписок."})
    extract.handed_at, extract.handed_by = timezone.now(), ctx.actor_id
    extract.method = method or extract.method
    extract.save(update_fields=["handed_at", "handed_by", "method"])
    school_audit_append(
        ctx=ctx,
        action="diary.paper_extract_handed",
        obj=extract,
        new={"student": extract.student_id, "method": extract.method},
    )
    return extract


def paper_extracts_visible(caller: Caller, on: date | None = None) -> QuerySet[PaperExtract]:
    """The issue log of the students the caller handles."""
    return PaperExtract.objects.filter(student__in=paper_students(caller, on))
