"""Writes to the control-work schedule (TTB-10), events (TTB-11) and exam choices (TTB-12),
validated and audited in one transaction.

- A class writes at most one control work a day (SanPiN): a second one for the same class — or
  for a group of that class, or a group sharing a student with it — is refused, naming the first.
- ОГЭ and ГВЭ-9 are for grade 9, ЕГЭ and ГВЭ-11 for grade 11, by the student's current class;
  ЕГЭ mathematics is taken at the basic or the profile level, other exams have no level.
- The administration (`timetable:write`) writes control works; a class teacher writes the events
  of the class they lead, the administration every event; the class teacher of a student's class
  (or `people:write`) writes their exam choices. The services check this themselves, given the
  caller.
- The monthly reminder (TTB-11) is recorded once per month per class (and once for the school)
  and its e-mails leave after the record commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from otmetka.accounts.caller import Caller
from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear, Subject
from tenants.people.models import Group, GroupMembership, SchoolClass, Staff, Student
from tenants.people.selectors import staff_of

from . import selectors
from .choices import (
    EXAM_GRADE,
    ControlForm,
    EventLevel,
    ExamChoiceStatus,
    ExamKind,
    ExamLevel,
)
from .models import ControlWork, Event, EventReminder, ExamChoice

logger = logging.getLogger("otmetka.events")

MONTHS = [
    "", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
MATHEMATICS = "mathematics"  # the federal code of ЕГЭ mathematics


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- control works (TTB-10)


@dataclass(frozen=True)
class ControlWorkInput:
    subject: Subject
    date: dt.date
    form: str
    school_class: SchoolClass | None = None
    group: Group | None = None
    lesson_number: int | None = None
    title: str = ""
    notes: str = ""


def _unit_name(work: ControlWork) -> str:
    unit = work.school_class or work.group
    return unit.name if unit is not None else ""


def _describe(work: ControlWork) -> str:
    title = f" «{work.title}»" if work.title else ""
    return (
        f"{work.get_form_display().lower()}{title} по предмету «{work.subject.name}» "
        f"({_unit_name(work)})"
    )


def control_work_clash(data: ControlWorkInput, *, exclude: int | None = None) -> ControlWork | None:
    """The control work the same class already writes that day, if any: a whole-class work
    clashes with its groups' works; two groups clash when they share a current student."""
    same_day = (
        ControlWork.objects.filter(date=data.date)
        .exclude(pk=exclude)
        .select_related("school_class", "group", "subject")
        .order_by("pk")
    )
    if data.school_class is not None:
        return same_day.filter(
            Q(school_class=data.school_class) | Q(group__classes=data.school_class)
        ).first()
    group = data.group
    class_ids = list(group.classes.values_list("pk", flat=True))
    members = GroupMembership.objects.filter(start__lte=data.date).filter(
        Q(end__isnull=True) | Q(end__gte=data.date)
    )
    sharing = members.filter(
        student_id__in=members.filter(group=group).values("student_id")
    ).values("group_id")
    return same_day.filter(
        Q(school_class_id__in=class_ids) | Q(group=group) | Q(group_id__in=sharing)
    ).first()


def _control_work_errors(data: ControlWorkInput, exclude: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (data.school_class is None) == (data.group is None):
        errors["school_class"] = ["Укажите класс или группу."]
        return errors
    if data.form not in ControlForm.values:
        errors["form"] = ["Выберите форму контроля из списка."]
    if data.form == ControlForm.OTHER and not data.title.strip():
        errors["title"] = ["Для другой формы контроля укажите тему или вид работы."]
    if data.lesson_number is not None and not 0 <= data.lesson_number <= 12:
        errors["lesson_number"] = ["Номер урока: от 0 до 12."]
    if not data.subject.is_active:
        errors["subject"] = ["Предмет не используется."]
    unit = data.school_class or data.group
    year = unit.year
    if not year.start <= data.date <= year.end:
        errors["date"] = [
            f"Дата вне {year.name} учебного года ({year.start:%d.%m.%Y}–{year.end:%d.%m.%Y})."
        ]
    if errors:
        return errors
    clash = control_work_clash(data, exclude=exclude)
    if clash is not None:
        errors["date"] = [
            f"{data.date:%d.%m.%Y} у {_unit_name(clash)} уже есть {_describe(clash)}: "
            "больше одной контрольной работы в день классу не ставят."
        ]
    return errors


def _control_work_dict(work: ControlWork) -> dict:
    return {
        "unit": _unit_name(work),
        "subject": work.subject.name,
        "date": work.date,
        "lesson_number": work.lesson_number,
        "form": work.form,
        "title": work.title,
    }


def _require_control_work_writer(caller: Caller) -> None:
    if not selectors.control_work_writable(caller):
        raise PermissionDenied("График контрольных работ ведёт администрация школы.")


@transaction.atomic
def control_work_save(
    *,
    ctx: AuditContext,
    caller: Caller,
    data: ControlWorkInput,
    work: ControlWork | None = None,
) -> ControlWork:
    """Add a control work to the schedule or change one: `timetable:write` (the administration).
    The caller's staff record is kept as the author of a new work."""
    _require_control_work_writer(caller)
    _raise(_control_work_errors(data, exclude=work.pk if work else None))
    old = None if work is None else _control_work_dict(work)
    if work is None:
        author = staff_of(caller)
        work = ControlWork(created_by=author.pk if author else None)
    work.school_class, work.group, work.subject = data.school_class, data.group, data.subject
    work.date, work.lesson_number, work.form = data.date, data.lesson_number, data.form
    work.title, work.notes = data.title.strip(), data.notes.strip()
    work.save()
    school_audit_append(
        ctx=ctx, action="control_work.save", obj=work, old=old, new=_control_work_dict(work)
    )
    return work


@transaction.atomic
def control_work_delete(*, ctx: AuditContext, caller: Caller, work: ControlWork) -> None:
    _require_control_work_writer(caller)
    school_audit_append(
        ctx=ctx, action="control_work.delete", obj=work, old=_control_work_dict(work)
    )
    work.delete()


# --- events (TTB-11)


@dataclass(frozen=True)
class EventInput:
    level: str
    date: dt.date
    title: str
    school_class: SchoolClass | None = None
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    place: str = ""
    description: str = ""


def _event_errors(data: EventInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.level == EventLevel.CLASS and data.school_class is None:
        errors["school_class"] = ["Укажите класс."]
    elif data.level == EventLevel.SCHOOL and data.school_class is not None:
        errors["school_class"] = ["У мероприятия школы класса нет."]
    elif data.level not in EventLevel.values:
        errors["level"] = ["Мероприятие класса или школы."]
    if not data.title.strip():
        errors["title"] = ["Укажите название."]
    if data.end_date is not None and data.end_date < data.date:
        errors["end_date"] = ["Окончание раньше начала."]
    if errors:
        return errors
    last = data.end_date or data.date
    if data.school_class is not None:
        year = data.school_class.year
        if data.date < year.start or last > year.end:
            errors["date"] = [f"Даты вне {year.name} учебного года класса."]
    elif not AcademicYear.objects.filter(start__lte=data.date, end__gte=last).exists():
        errors["date"] = ["Даты вне учебного года школы."]
    return errors


def _event_dict(event: Event) -> dict:
    return {
        "level": event.level,
        "class": event.school_class.name if event.school_class_id else None,
        "dates": [event.date, event.end_date],
        "time": event.start_time,
        "title": event.title,
        "place": event.place,
    }


def _require_event_writer(caller: Caller, level: str, school_class: SchoolClass | None) -> None:
    if not selectors.event_writable(caller, level=level, school_class=school_class):
        raise PermissionDenied(
            "Мероприятия класса вносит его классный руководитель, мероприятия школы — "
            "администрация."
        )


@transaction.atomic
def event_save(
    *,
    ctx: AuditContext,
    caller: Caller,
    data: EventInput,
    event: Event | None = None,
) -> Event:
    """Add or change a class or school event: the caller must be able to write both the event as
    it was and as it becomes (a class teacher cannot move an event to another class)."""
    if event is not None:
        _require_event_writer(caller, event.level, event.school_class)
    _require_event_writer(caller, data.level, data.school_class)
    _raise(_event_errors(data))
    old = None if event is None else _event_dict(event)
    if event is None:
        author = staff_of(caller)
        event = Event(created_by=author.pk if author else None)
    event.level, event.school_class = data.level, data.school_class
    event.date, event.end_date, event.start_time = data.date, data.end_date, data.start_time
    event.title, event.place = data.title.strip(), data.place.strip()
    event.description = data.description.strip()
    event.save()
    school_audit_append(ctx=ctx, action="event.save", obj=event, old=old, new=_event_dict(event))
    return event


@transaction.atomic
def event_delete(*, ctx: AuditContext, caller: Caller, event: Event) -> None:
    _require_event_writer(caller, event.level, event.school_class)
    school_audit_append(ctx=ctx, action="event.delete", obj=event, old=_event_dict(event))
    event.delete()


# --- the monthly reminder (TTB-11)

REMINDER_DAY = 25  # from this day of the month on, remind about the next month


@dataclass
class RemindResult:
    classes: int = 0  # classes reminded
    school: bool = False  # the deputies reminded
    emails: int = 0


def _user_emails(user_ids: list[int]) -> dict[int, str]:
    """E-mails of active accounts by user id (one query; the public users table)."""
    from otmetka.accounts.models import User, UserStatus

    return dict(
        User.objects.filter(pk__in=user_ids, status=UserStatus.ACTIVE)
        .exclude(email="")
        .values_list("pk", "email")
    )


def _deputy_emails(school_id: int) -> list[str]:
    """The deputies' e-mails; the director's when no deputy can be reached."""
    from otmetka.accounts.models import SchoolMembership
    from otmetka.accounts.roles import SchoolRole

    staff_users = list(
        Staff.objects.filter(deactivated_at__isnull=True, user_id__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    for role in (SchoolRole.DEPUTY, SchoolRole.DIRECTOR):
        users = SchoolMembership.objects.filter(
            school_id=school_id, is_active=True, roles__contains=[role], user_id__in=staff_users
        ).values_list("user_id", flat=True)
        emails = sorted(set(_user_emails(list(users)).values()))
        if emails:
            return emails
    return []


def _send(subject: str, body: str, to: str) -> None:
    """One e-mail; a failure is logged without the address (personal data stays out of logs)."""
    try:
        send_mail(subject, body, None, [to])
    except Exception as exc:  # one unreachable mailbox must not stop the others
        logger.warning("event reminder e-mail not sent: %s", type(exc).__name__)


def _remind(
    *,
    ctx: AuditContext,
    month: dt.date,
    school_class: SchoolClass | None,
    emails: list[str],
    subject: str,
    body: str,
) -> bool:
    """Record one reminder (once per month and class, or for the school) and send its e-mails
    once that commits. False when it was recorded before."""
    level = EventLevel.CLASS if school_class is not None else EventLevel.SCHOOL
    try:
        with transaction.atomic():
            done = EventReminder.objects.filter(month=month, school_class=school_class)
            if done.exists():
                return False
            reminder = EventReminder.objects.create(
                month=month,
                level=level,
                school_class=school_class,
                sent_at=timezone.now(),
                recipients=len(emails),
            )
            school_audit_append(
                ctx=ctx,
                action="event.remind",
                obj=reminder,
                new={
                    "month": month,
                    "level": level,
                    "class": school_class.name if school_class else None,
                    "recipients": len(emails),
                },
            )
            for email in emails:
                transaction.on_commit(functools.partial(_send, subject, body, email))
    except IntegrityError:  # a concurrent run recorded it first
        return False
    return True


def event_reminders_send(*, ctx: AuditContext, school_id: int, today: dt.date) -> RemindResult:
    """From the 25th (school local date), remind the class teachers of classes with no event
    next month, and the deputies when the school has no school event next month; once per
    month and class. Not atomic as a whole: each reminder commits on its own."""
    result = RemindResult()
    if today.day < REMINDER_DAY:
        return result
    month = selectors.next_month_start(today)
    missing = selectors.events_missing(month)
    month_name = f"{MONTHS[month.month]} {month.year}"
    sent_before = set(
        EventReminder.objects.filter(month=month, school_class__isnull=False).values_list(
            "school_class_id", flat=True
        )
    )
    teacher_users = {
        c.pk: c.class_teacher.user_id
        for c in missing.classes
        if c.class_teacher is not None
        and c.class_teacher.deactivated_at is None
        and c.class_teacher.user_id
    }
    emails_by_user = _user_emails(list(teacher_users.values()))
    for school_class in missing.classes:
        if school_class.pk in sent_before:
            continue
        user_id = teacher_users.get(school_class.pk)
        emails = [emails_by_user[user_id]] if user_id in emails_by_user else []
        if _remind(
            ctx=ctx,
            month=month,
            school_class=school_class,
            emails=emails,
            subject=f"Внесите мероприятия {school_class.name} класса на {month_name}",
            body=(
                f"В электронном журнале нет мероприятий {school_class.name} класса на "
                f"{month_name}. Внесите их до 1-го числа: они появятся в дневниках."
            ),
        ):
            result.classes += 1
            result.emails += len(emails)
    if not missing.school_events:
        emails = _deputy_emails(school_id)
        if _remind(
            ctx=ctx,
            month=month,
            school_class=None,
            emails=emails,
            subject=f"Внесите мероприятия школы на {month_name}",
            body=(
                f"В электронном журнале нет мероприятий школы на {month_name}. "
                "Внесите их до 1-го числа: они появятся в дневниках."
            ),
        ):
            result.school = True
            result.emails += len(emails)
    logger.info(
        "event reminders: %s classes, school %s, %s e-mails",
        result.classes,
        result.school,
        result.emails,
    )
    return result


# --- exam choices (TTB-12)


@dataclass(frozen=True)
class ExamChoiceInput:
    student: Student
    year: AcademicYear
    kind: str
    subject: Subject
    level: str = ExamLevel.NONE
    status: str = ExamChoiceStatus.DRAFT
    submitted_on: dt.date | None = None


def _exam_choice_errors(
    data: ExamChoiceInput, today: dt.date, exclude: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in ExamKind.values:
        errors["kind"] = ["Выберите вид экзамена: ОГЭ, ЕГЭ, ГВЭ-9 или ГВЭ-11."]
        return errors
    is_ege_maths = data.kind == ExamKind.EGE and data.subject.federal_code == MATHEMATICS
    if is_ege_maths and data.level not in (ExamLevel.BASIC, ExamLevel.PROFILE):
        errors["level"] = ["ЕГЭ по математике: укажите уровень — базовый или профильный."]
    elif not is_ege_maths and data.level:
        errors["level"] = ["Уровень указывают только для ЕГЭ по математике."]
    if data.status == ExamChoiceStatus.SUBMITTED and data.submitted_on is None:
        errors["submitted_on"] = ["Укажите дату подачи заявления."]
    elif data.status == ExamChoiceStatus.DRAFT and data.submitted_on is not None:
        errors["submitted_on"] = ["Дату подачи указывают, когда заявление подано."]
    elif data.submitted_on is not None and data.submitted_on > today:
        errors["submitted_on"] = ["Дата подачи ещё не наступила."]
    current = selectors.student_current_class(data.student, today)
    grade = EXAM_GRADE[ExamKind(data.kind)]
    label = ExamKind(data.kind).label
    if current is None:
        errors["student"] = ["Обучающийся сейчас не числится ни в одном классе."]
    elif current.year_id != data.year.pk:
        errors["year"] = [
            f"Экзамены выбирают на учебный год текущего класса ({current.year.name})."
        ]
    elif current.grade != grade:
        errors["kind"] = [f"{label} сдают в {grade}-м классе, а обучающийся в {current.name}."]
    clash = ExamChoice.objects.filter(
        student=data.student, year=data.year, kind=data.kind, subject=data.subject
    ).exclude(pk=exclude)
    if clash.exists():
        errors["subject"] = [f"{label} по предмету «{data.subject.name}» уже выбран."]
    return errors


def _exam_choice_dict(choice: ExamChoice) -> dict:
    return {
        "student": choice.student_id,
        "year": choice.year.name,
        "kind": choice.kind,
        "subject": choice.subject.name,
        "level": choice.level,
        "status": choice.status,
        "submitted_on": choice.submitted_on,
    }


def _require_exam_choice_writer(caller: Caller, student: Student) -> None:
    if not selectors.exam_choice_writable(caller, student):
        raise PermissionDenied("Выбор экзаменов вносит классный руководитель обучающегося.")


@transaction.atomic
def exam_choice_save(
    *,
    ctx: AuditContext,
    caller: Caller,
    data: ExamChoiceInput,
    choice: ExamChoice | None = None,
    today: dt.date | None = None,
) -> ExamChoice:
    """Record or change a student's exam choice: `people:write`, or the class teacher of the
    student's class (of the student before and after a change)."""
    if choice is not None and choice.student_id != data.student.pk:
        _require_exam_choice_writer(caller, choice.student)
    _require_exam_choice_writer(caller, data.student)
    today = today or timezone.localdate()
    _raise(_exam_choice_errors(data, today, exclude=choice.pk if choice else None))
    old = None if choice is None else _exam_choice_dict(choice)
    choice = choice or ExamChoice()
    choice.student, choice.year, choice.kind = data.student, data.year, data.kind
    choice.subject, choice.level, choice.status = data.subject, data.level, data.status
    choice.submitted_on = data.submitted_on
    choice.save()
    school_audit_append(
        ctx=ctx, action="exam_choice.save", obj=choice, old=old, new=_exam_choice_dict(choice)
    )
    return choice


@transaction.atomic
def exam_choice_delete(*, ctx: AuditContext, caller: Caller, choice: ExamChoice) -> None:
    """Remove a draft; a submitted application is withdrawn instead, so its history stays."""
    _require_exam_choice_writer(caller, choice.student)
    if choice.status != ExamChoiceStatus.DRAFT:
        raise ValidationError(
            {"status": ["Поданное заявление не удаляют: отметьте его как отозванное."]}
        )
    school_audit_append(
        ctx=ctx, action="exam_choice.delete", obj=choice, old=_exam_choice_dict(choice)
    )
    choice.delete()
