"""Writes to people and structure (PPL-01…11, GOV-05), each validated and audited in one
transaction. Nothing is deleted: memberships get an end date, people a status."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear, Subject
from tenants.configuration.services import Order

from .choices import ENDING, MovementKind, Position, StudentStatus
from .models import (
    ClassMembership,
    Group,
    GroupMembership,
    Guardian,
    GuardianLink,
    Movement,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)

NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .\-]*$")
PHONE_RE = re.compile(r"^\+7\d{10}$")


def normalise_phone(phone: str) -> str:
    """«8 (914) 123-45-67» → «+79141234567»; anything else is returned as typed, for the check."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10 and digits[0] == "9":
        return "+7" + digits
    return (phone or "").strip()


@dataclass(frozen=True)
class Names:
    last_name: str
    first_name: str
    middle_name: str = ""

    def errors(self) -> dict[str, str]:
        out = {}
        for key in ("last_name", "first_name", "middle_name"):
            value = getattr(self, key).strip()
            if key != "middle_name" and not value:
                out[key] = "Обязательное поле."
            elif value and not NAME_RE.match(value):
                out[key] = "Только буквы, дефис, апостроф и пробел."
        return out

    def cleaned(self) -> dict[str, str]:
        return {
            k: " ".join(getattr(self, k).split())
            for k in ("last_name", "first_name", "middle_name")
        }


def _contact_errors(email: str, phone: str) -> dict[str, str]:
    from django.core.validators import validate_email

    out = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            out["email"] = "Неверный адрес эл. почты."
    if phone and not PHONE_RE.match(normalise_phone(phone)):
        out["phone"] = "Телефон в формате +7XXXXXXXXXX."
    return out


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- staff (PPL-01, PPL-02) ---------------------------------------------------------------------


@dataclass(frozen=True)
class StaffInput:
    names: Names
    positions: Sequence[str]
    contract_start: date
    contract_end: date | None = None
    email: str = ""
    phone: str = ""


@transaction.atomic
def staff_save(*, ctx: AuditContext, data: StaffInput, staff: Staff | None = None) -> Staff:
    errors: dict = {**data.names.errors(), **_contact_errors(data.email, data.phone)}
    unknown = [p for p in data.positions if p not in Position.values]
    if not data.positions or unknown:
        errors["positions"] = "Укажите должности из списка."
    if data.contract_end and data.contract_end < data.contract_start:
        errors["contract_end"] = "Окончание работы раньше начала."
    _raise(errors)
    old = None if staff is None else _staff_dict(staff)
    staff = staff or Staff()
    for key, value in data.names.cleaned().items():
        setattr(staff, key, value)
    staff.positions = list(dict.fromkeys(data.positions))
    staff.contract_start, staff.contract_end = data.contract_start, data.contract_end
    staff.email, staff.phone = data.email.strip().lower(), normalise_phone(data.phone)
    staff.full_clean()
    staff.save()
    school_audit_append(ctx=ctx, action="staff.save", obj=staff, old=old, new=_staff_dict(staff))
    return staff


def _staff_dict(staff: Staff) -> dict:
    return {
        "name": staff.full_name,
        "positions": staff.positions,
        "contract": [staff.contract_start, staff.contract_end],
    }


# --- students and guardians (PPL-05, PPL-11, PPL-12) -------------------------------------------


@dataclass(frozen=True)
class StudentInput:
    names: Names
    birth_date: date
    form_of_education: str = "full_time"
    individual_curriculum: bool = False
    email: str = ""
    phone: str = ""


def _student_errors(data: StudentInput, today: date) -> dict:
    from .choices import FormOfEducation

    errors: dict = {**data.names.errors(), **_contact_errors(data.email, data.phone)}
    age = (today - data.birth_date).days / 365.25
    if not 4 <= age <= 25:
        errors["birth_date"] = "Проверьте дату рождения: возраст обучающегося от 4 до 25 лет."
    if data.form_of_education not in FormOfEducation.values:
        errors["form_of_education"] = "Выберите форму обучения из списка."
    return errors


def _student_fill(student: Student, data: StudentInput) -> Student:
    for key, value in data.names.cleaned().items():
        setattr(student, key, value)
    student.birth_date = data.birth_date
    student.form_of_education = data.form_of_education
    student.individual_curriculum = data.individual_curriculum
    student.email, student.phone = data.email.strip().lower(), normalise_phone(data.phone)
    return student


def _student_dict(student: Student) -> dict:
    return {
        "name": student.full_name,
        "birth_date": student.birth_date,
        "form": student.form_of_education,
        "individual_curriculum": student.individual_curriculum,
        "status": student.status,
    }


@transaction.atomic
def student_enrol(
    *,
    ctx: AuditContext,
    data: StudentInput,
    school_class: SchoolClass,
    date_from: date,
    order: Order,
    today: date | None = None,
) -> Student:
    """Enrol a student into a class on an order: the student, the membership, the movement."""
    order.check()
    errors = _student_errors(data, today or timezone.localdate())
    if not school_class.year.start <= date_from <= school_class.year.end:
        errors["date"] = f"Дата зачисления вне {school_class.year.name} учебного года."
    _raise(errors)
    student = _student_fill(Student(), data)
    student.full_clean()
    student.save()
    ClassMembership.objects.create(student=student, school_class=school_class, start=date_from)
    Movement.objects.create(
        student=student,
        kind=MovementKind.ENROLMENT,
        date=date_from,
        to_class=school_class,
        order_number=order.number.strip(),
        order_date=order.date,
    )
    school_audit_append(
        ctx=ctx,
        action="student.enrol",
        obj=student,
        new={**_student_dict(student), "class": school_class.name, "date": date_from},
        reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}",
    )
    return student


@transaction.atomic
def student_update(*, ctx: AuditContext, student: Student, data: StudentInput) -> Student:
    _raise(_student_errors(data, timezone.localdate()))
    old = _student_dict(student)
    _student_fill(student, data)
    student.full_clean()
    student.save()
    school_audit_append(
        ctx=ctx, action="student.update", obj=student, old=old, new=_student_dict(student)
    )
    return student


@dataclass(frozen=True)
class GuardianInput:
    names: Names
    email: str = ""
    phone: str = ""


@transaction.atomic
def guardian_link(
    *,
    ctx: AuditContext,
    student: Student,
    relation: str,
    guardian: Guardian | None = None,
    data: GuardianInput | None = None,
) -> GuardianLink:
    """Link an existing guardian, or a new one from `data`, to a student (PPL-05)."""
    from .choices import Relation

    errors: dict = {}
    if relation not in Relation.values:
        errors["relation"] = "Укажите, кем приходится представитель."
    if guardian is None:
        if data is None:
            errors["guardian"] = "Выберите представителя или введите его данные."
        else:
            errors.update(data.names.errors())
            errors.update(_contact_errors(data.email, data.phone))
            if not data.email and not data.phone:
                errors["phone"] = "Укажите телефон или эл. почту представителя."
    elif GuardianLink.objects.filter(
        guardian=guardian, student=student, ended_at__isnull=True
    ).exists():
        errors["guardian"] = "Этот представитель уже связан с обучающимся."
    _raise(errors)
    if guardian is None:
        guardian = Guardian(**data.names.cleaned())
        guardian.email, guardian.phone = data.email.strip().lower(), normalise_phone(data.phone)
        guardian.full_clean()
        guardian.save()
    link = GuardianLink.objects.create(guardian=guardian, student=student, relation=relation)
    school_audit_append(
        ctx=ctx,
        action="guardian.link",
        obj=link,
        new={"guardian": guardian.full_name, "student": student.full_name, "relation": relation},
    )
    return link


# --- classes, groups, teaching (PPL-06) ---------------------------------------------------------


@transaction.atomic
def class_save(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    grade: int,
    letter: str,
    class_teacher: Staff | None = None,
    school_class: SchoolClass | None = None,
) -> SchoolClass:
    letter = letter.strip().upper()
    errors = {}
    if not 1 <= grade <= 11:
        errors["grade"] = "Параллель от 1 до 11."
    if not letter or not re.fullmatch(r"[А-ЯЁA-Z0-9\-]{1,4}", letter):
        errors["letter"] = "Литера: до 4 букв или цифр (А, Б, 1…)."
    clash = SchoolClass.objects.filter(year=year, grade=grade, letter=letter)
    if school_class is not None:
        clash = clash.exclude(pk=school_class.pk)
    if clash.exists():
        errors["letter"] = f"Класс {grade}{letter} в {year.name} уже есть."
    if class_teacher is not None and class_teacher.deactivated_at is not None:
        errors["class_teacher"] = "Сотрудник не работает в школе."
    _raise(errors)
    old = None
    if school_class is None:
        school_class = SchoolClass(year=year)
    else:
        old = {"name": school_class.name, "class_teacher": school_class.class_teacher_id}
    school_class.grade, school_class.letter, school_class.class_teacher = (
        grade,
        letter,
        class_teacher,
    )
    school_class.save()
    school_audit_append(
        ctx=ctx,
        action="class.save",
        obj=school_class,
        old=old,
        new={
            "name": school_class.name,
            "year": year.name,
            "class_teacher": class_teacher and class_teacher.pk,
        },
    )
    return school_class


@transaction.atomic
def group_create(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    kind: str,
    name: str,
    subject: Subject | None = None,
    classes: Sequence[SchoolClass] = (),
) -> Group:
    from .choices import GroupKind

    errors = {}
    if kind not in GroupKind.values:
        errors["kind"] = "Выберите вид группы."
    if not name.strip():
        errors["name"] = "Укажите название группы."
    elif Group.objects.filter(year=year, name__iexact=name.strip()).exists():
        errors["name"] = "Группа с таким названием уже есть."
    if kind == GroupKind.SUBJECT_SPLIT and subject is None:
        errors["subject"] = "Для подгруппы укажите предмет."
    if any(c.year_id != year.pk for c in classes):
        errors["classes"] = "Классы группы — из того же учебного года."
    _raise(errors)
    group = Group.objects.create(year=year, kind=kind, name=name.strip(), subject=subject)
    group.classes.set(classes)
    school_audit_append(
        ctx=ctx,
        action="group.create",
        obj=group,
        new={"name": group.name, "kind": kind, "classes": [c.name for c in classes]},
    )
    return group


@transaction.atomic
def group_join(
    *, ctx: AuditContext, group: Group, students: Sequence[Student], date_from: date
) -> list[GroupMembership]:
    """Students join a group (by chosen subject); all or nothing."""
    errors = {}
    if not group.year.start <= date_from <= group.year.end:
        errors["date"] = f"Дата вне {group.year.name} учебного года."
    not_studying = [s.short_name for s in students if s.status != StudentStatus.STUDYING]
    if not_studying:
        errors["students"] = f"Не обучаются в школе: {', '.join(not_studying)}."
    already = set(
        GroupMembership.objects.filter(
            group=group, end__isnull=True, student__in=students
        ).values_list("student__last_name", flat=True)
    )
    if already:
        errors["students"] = f"Уже в группе: {', '.join(sorted(already))}."
    class_ids = set(group.classes.values_list("pk", flat=True))
    if class_ids:
        outside = [
            s.short_name
            for s in students
            if not ClassMembership.objects.filter(
                student=s, end__isnull=True, school_class_id__in=class_ids
            ).exists()
        ]
        if outside:
            errors["students"] = f"Не из классов группы: {', '.join(outside)}."
    _raise(errors)
    created = GroupMembership.objects.bulk_create(
        GroupMembership(student=s, group=group, start=date_from) for s in students
    )
    school_audit_append(
        ctx=ctx,
        action="group.join",
        obj=group,
        new={"students": [s.pk for s in students], "date": date_from},
    )
    return created


@transaction.atomic
def group_leave(*, ctx: AuditContext, group: Group, student: Student, date_to: date) -> None:
    membership = GroupMembership.objects.filter(
        group=group, student=student, end__isnull=True
    ).first()
    if membership is None:
        raise ValidationError({"student": "Обучающийся не состоит в группе."})
    if date_to < membership.start:
        raise ValidationError({"date": "Дата выхода раньше даты входа в группу."})
    membership.end = date_to
    membership.save(update_fields=["end"])
    school_audit_append(
        ctx=ctx, action="group.leave", obj=group, old={"student": student.pk}, new={"end": date_to}
    )


@transaction.atomic
def teaching_assign(
    *,
    ctx: AuditContext,
    staff: Staff,
    subject: Subject,
    school_class: SchoolClass | None = None,
    group: Group | None = None,
    date_from: date,
    weekly_hours=None,
) -> Teaching:
    """A teacher teaches a subject to a class or a group from a date (PPL-03), for so many
    hours a week (the teaching load, TTB-02)."""
    errors = {}
    if weekly_hours is not None and not 0 < weekly_hours <= 40:
        errors["weekly_hours"] = "Часов в неделю — больше 0 и не больше 40."
    if (school_class is None) == (group is None):
        errors["school_class"] = "Укажите класс или группу."
    if staff.deactivated_at is not None:
        errors["staff"] = "Сотрудник не работает в школе."
    _raise(errors)
    teaching = Teaching.objects.create(
        staff=staff,
        subject=subject,
        school_class=school_class,
        group=group,
        start=date_from,
        weekly_hours=weekly_hours,
    )
    school_audit_append(
        ctx=ctx,
        action="teaching.assign",
        obj=teaching,
        new={
            "staff": staff.full_name,
            "subject": subject.name,
            "unit": (school_class or group).name,
            "start": date_from,
            "weekly_hours": weekly_hours,
        },
    )
    return teaching


# --- movements (PPL-08…10, GOV-05) ---------------------------------------------------------------


def _open_membership(student: Student) -> ClassMembership | None:
    return (
        ClassMembership.objects.select_for_update()
        .select_related("school_class")
        .filter(student=student, end__isnull=True)
        .first()
    )


@transaction.atomic
def class_transfer(
    *, ctx: AuditContext, student: Student, to_class: SchoolClass, date_on: date, order: Order
) -> Movement:
    """Move a student to another class from `date_on`; the old class keeps the earlier records."""
    order.check()
    current = _open_membership(student)
    errors = {}
    if student.status != StudentStatus.STUDYING or current is None:
        errors["student"] = "Обучающийся не числится в классе."
    elif current.school_class_id == to_class.pk:
        errors["to_class"] = "Обучающийся уже в этом классе."
    elif date_on <= current.start:
        errors["date"] = "Дата перевода должна быть позже зачисления в текущий класс."
    _raise(errors)
    current.end = date_on - timedelta(days=1)
    current.save(update_fields=["end"])
    ClassMembership.objects.create(student=student, school_class=to_class, start=date_on)
    movement = Movement.objects.create(
        student=student,
        kind=MovementKind.CLASS_TRANSFER,
        date=date_on,
        from_class=current.school_class,
        to_class=to_class,
        order_number=order.number.strip(),
        order_date=order.date,
    )
    school_audit_append(
        ctx=ctx,
        action="student.class_transfer",
        obj=student,
        old={"class": current.school_class.name},
        new={"class": to_class.name, "date": date_on},
        reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}",
    )
    return movement


@transaction.atomic
def student_leave(
    *,
    ctx: AuditContext,
    student: Student,
    kind: str,
    date_on: date,
    order: Order,
    destination: str = "",
) -> Movement:
    """Withdrawal, transfer to another school, expulsion or graduation (PPL-10): the last day
    in the class is `date_on`; the diary service ends with it (GOV-05)."""
    order.check()
    errors = {}
    if kind not in ENDING:
        errors["kind"] = "Выберите: выбытие, перевод в другую школу, отчисление, окончание."
    current = _open_membership(student)
    if student.status != StudentStatus.STUDYING:
        errors["student"] = "Обучающийся уже не числится в школе."
    elif current is not None and date_on < current.start:
        errors["date"] = "Дата раньше зачисления в текущий класс."
    if kind == MovementKind.TRANSFER_OUT and not destination.strip():
        errors["destination"] = "Укажите школу, в которую переведён обучающийся."
    _raise(errors)
    if current is not None:
        current.end = date_on
        current.save(update_fields=["end"])
    GroupMembership.objects.filter(student=student, end__isnull=True).update(end=date_on)
    movement = Movement.objects.create(
        student=student,
        kind=kind,
        date=date_on,
        from_class=current.school_class if current else None,
        order_number=order.number.strip(),
        order_date=order.date,
        destination=destination.strip(),
    )
    old = _student_dict(student)
    student.status = ENDING[kind]
    student.diary_service_ended_at = date_on
    student.diary_service_end_reason = (
        f"{MovementKind(kind).label}, приказ № {order.number} от {order.date:%d.%m.%Y}"
    )
    student.save(update_fields=["status", "diary_service_ended_at", "diary_service_end_reason"])
    school_audit_append(
        ctx=ctx,
        action=f"student.{kind}",
        obj=student,
        old=old,
        new={**_student_dict(student), "date": date_on, "destination": movement.destination},
        reason=student.diary_service_end_reason,
    )
    return movement


@dataclass
class PromotionResult:
    promoted: int = 0
    graduated: int = 0
    classes_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def promote_all(
    *,
    ctx: AuditContext,
    from_year: AcademicYear,
    to_year: AcademicYear,
    order: Order,
    graduating_grades: Sequence[int] = (11,),
    keep_back: Sequence[int] = (),
) -> PromotionResult:
    """Year-end promotion on a director's order (PPL-09): every student of `from_year`'s classes
    moves to the class of the next grade with the same letter in `to_year` (created when missing,
    with the same class teacher); graduating grades graduate. `keep_back`: students who stay in
    their grade (a class of the same grade in `to_year`). All or nothing."""
    order.check()
    if to_year.start <= from_year.end:
        raise ValidationError(
            {"to_year": "Следующий учебный год должен начинаться после текущего."}
        )
    memberships = list(
        ClassMembership.objects.select_for_update()
        .select_related("school_class", "student")
        .filter(school_class__year=from_year, end__isnull=True)
    )
    result = PromotionResult()
    targets = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=to_year)}
    for membership in memberships:
        current = membership.school_class
        student = membership.student
        stays = student.pk in set(keep_back)
        if current.grade in graduating_grades and not stays:
            student_leave(
                ctx=ctx,
                student=student,
                kind=MovementKind.GRADUATION,
                date_on=from_year.end,
                order=order,
            )
            result.graduated += 1
            continue
        grade = current.grade if stays else current.grade + 1
        if grade > 11:
            raise ValidationError(
                {"graduating_grades": f"Класс {current.name}: 11-й класс должен выпускаться."}
            )
        target = targets.get((grade, current.letter))
        if target is None:
            target = SchoolClass.objects.create(
                year=to_year,
                grade=grade,
                letter=current.letter,
                class_teacher=current.class_teacher,
            )
            targets[(grade, current.letter)] = target
            result.classes_created.append(target.name)
        membership.end = from_year.end
        membership.save(update_fields=["end"])
        ClassMembership.objects.create(student=student, school_class=target, start=to_year.start)
        Movement.objects.create(
            student=student,
            kind=MovementKind.PROMOTION,
            date=to_year.start,
            from_class=current,
            to_class=target,
            order_number=order.number.strip(),
            order_date=order.date,
        )
        result.promoted += 1
    school_audit_append(
        ctx=ctx,
        action="students.promote",
        new={"from": from_year.name, "to": to_year.name, **result.as_dict()},
        reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}",
    )
    return result


# --- staff access (PPL-16, X-12) -----------------------------------------------------------------


@transaction.atomic
def staff_deactivate(
    *, ctx: AuditContext, staff: Staff, contract_end: date, school_id: int
) -> Staff:
    """A leaver: the contract ends, the membership in this school stops, and the global account
    stops signing in when it has no other school or region role. Never deleted: authorship of
    past records stays (X-12)."""
    from otmetka.accounts.models import SchoolMembership, User, UserStatus

    if staff.deactivated_at is not None:
        raise ValidationError({"staff": "Доступ сотрудника уже закрыт."})
    if contract_end < staff.contract_start:
        raise ValidationError({"contract_end": "Окончание работы раньше начала."})
    now = timezone.now()
    staff.contract_end, staff.deactivated_at = contract_end, now
    staff.save(update_fields=["contract_end", "deactivated_at"])
    if staff.user_id is not None:
        SchoolMembership.objects.filter(user_id=staff.user_id, school_id=school_id).update(
            is_active=False, ended_at=now
        )
        others = SchoolMembership.objects.filter(user_id=staff.user_id, is_active=True)
        user = User.objects.filter(pk=staff.user_id).first()
        if user is not None and not others.exists() and not user.region_roles:
            user.status = UserStatus.DEACTIVATED
            user.save(update_fields=["status"])
    SchoolClass.objects.filter(class_teacher=staff, year__end__gte=contract_end).update(
        class_teacher=None
    )
    Teaching.objects.filter(staff=staff, end__isnull=True).update(end=contract_end)
    school_audit_append(
        ctx=ctx,
        action="staff.deactivate",
        obj=staff,
        new={"contract_end": contract_end, "deactivated_at": now, "user_id": staff.user_id},
    )
    return staff


@transaction.atomic
def staff_link_user(*, ctx: AuditContext, staff: Staff, user_id: int) -> Staff:
    """Attach the global account (created with the credentials) to the staff record."""
    if Staff.objects.filter(user_id=user_id).exclude(pk=staff.pk).exists():
        raise ValidationError({"user": "Эта учётная запись уже связана с другим сотрудником."})
    old = {"user_id": staff.user_id}
    staff.user_id = user_id
    staff.save(update_fields=["user_id"])
    school_audit_append(
        ctx=ctx, action="staff.link_user", obj=staff, old=old, new={"user_id": user_id}
    )
    return staff
