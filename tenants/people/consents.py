"""The consent registry (PDN-04, PDN-05, GOV-02…06, X-14, X-17).

A class teacher (or the administration) registers each written application the day it is
submitted: consent or refusal, for one child, by a guardian of that child, or by the student
(14+ with a guardian's consent, or of age). It gets the next number of the year. Consents are
due to be answered with access within `access_grant_working_days` working days of the region's
calendar; `consents_overdue` lists those that are not. Withdrawal and the stop-application end it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from otmetka.audit.context import AuditContext
from otmetka.region.calendar import add_working_days
from tenants.audit.services import school_audit_append
from tenants.configuration.selectors import regulation_in_force

from .choices import Applicant, Channel, Decision, StudentStatus
from .credentials import _age
from .models import Consent, Guardian, GuardianLink, Student


def _next_number(on: date) -> str:
    numbers = Consent.objects.filter(number__endswith=f"/{on.year}").values_list(
        "number", flat=True
    )
    last = max((int(n.split("/")[0]) for n in numbers if n.split("/")[0].isdigit()), default=0)
    return f"{last + 1}/{on.year}"


def active(student: Student) -> QuerySet[Consent]:
    return Consent.objects.filter(student=student, withdrawn_on__isnull=True)


def consents_in_force(*, channel: str | None = None, **filters) -> QuerySet[Consent]:
    """Consents (not refusals) registered and not withdrawn, naming `channel` when given (web,
    email, sms): what opens the diary, its e-mail and its SMS to a guardian (PDN-04, GOV)."""
    found = Consent.objects.filter(decision=Decision.CONSENT, withdrawn_on__isnull=True, **filters)
    return found.filter(channels__contains=[channel]) if channel else found


@transaction.atomic
def consent_register(
    *,
    ctx: AuditContext,
    student: Student,
    applicant: str,
    decision: str,
    guardian: Guardian | None = None,
    channels: list[str] | None = None,
    on: date | None = None,
) -> Consent:
    """Register a written consent or refusal; refused when the applicant may not apply."""
    on = on or timezone.localdate()
    channels = list(dict.fromkeys(channels or [Channel.WEB]))
    rules = regulation_in_force(on)
    errors: dict[str, str] = {}
    if applicant not in Applicant.values:
        errors["applicant"] = "Выберите заявителя."
    if decision not in Decision.values:
        errors["decision"] = "Выберите: согласие или отказ."
    if any(c not in Channel.values for c in channels):
        errors["channels"] = "Каналы: электронный дневник, эл. почта, СМС, Госуслуги."
    if student.status != StudentStatus.STUDYING:
        errors["student"] = "Обучающийся не числится в школе (GOV-04)."
    age = _age(student.birth_date, on)
    if applicant == Applicant.GUARDIAN:
        linked = (
            guardian is not None
            and GuardianLink.objects.filter(
                guardian=guardian, student=student, ended_at__isnull=True
            ).exists()
        )
        if not linked:
            errors["guardian"] = (
                "Заявитель не является законным представителем этого обучающегося (GOV-04)."
            )
    elif applicant == Applicant.STUDENT_14:
        if age < rules["min_age_independent_application"]:
            errors["applicant"] = (
                f"Самостоятельно — с {rules['min_age_independent_application']} лет (X-14)."
            )
        elif (
            not active(student)
            .filter(applicant=Applicant.GUARDIAN, decision=Decision.CONSENT)
            .exists()
        ):
            errors["applicant"] = "Нужно письменное согласие законного представителя (GOV-02)."
    elif applicant == Applicant.ADULT_STUDENT and age < 18:
        errors["applicant"] = "Обучающийся ещё не достиг 18 лет."
    if applicant != Applicant.GUARDIAN and guardian is not None:
        errors["guardian"] = "Представитель указывается только для его заявления."
    duplicate = active(student).filter(applicant=applicant, guardian=guardian).first()
    if duplicate is not None:
        errors["decision"] = f"Заявление уже зарегистрировано: № {duplicate.number}. Сначала отзыв."
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        number=_next_number(on),
        registered_on=on,
        student=student,
        guardian=guardian,
        applicant=applicant,
        decision=decision,
        channels=channels if decision == Decision.CONSENT else [],
        accepted_by=ctx.actor_id,
        access_due_on=add_working_days(on, rules["access_grant_working_days"])
        if decision == Decision.CONSENT
        else None,
    )
    school_audit_append(
        ctx=ctx,
        action=f"consent.{decision}",
        obj=consent,
        new={
            "number": consent.number,
            "student": student.pk,
            "guardian": guardian.pk if guardian else None,
            "applicant": applicant,
            "channels": consent.channels,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, ctx: AuditContext, consent: Consent, reason: str, stop: bool = False, on: date | None = None
) -> Consent:
    """Withdrawal, or the stop-application (GOV-03, GOV-05), registered with its own number."""
    on = on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ValidationError({"consent": "Уже отозвано."})
    if not reason.strip():
        raise ValidationError({"reason": "Укажите основание."})
    consent.withdrawn_on = on
    consent.withdrawal_number = _next_number(on)
    consent.withdrawal_reason = ("Стоп-заявление: " if stop else "") + reason.strip()
    consent.save(update_fields=["withdrawn_on", "withdrawal_number", "withdrawal_reason"])
    school_audit_append(
        ctx=ctx,
        action="consent.stop" if stop else "consent.withdraw",
        obj=consent,
        new={"number": consent.withdrawal_number, "reason": consent.withdrawal_reason},
    )
    return consent


def access_granted(
    *, guardian: Guardian | None = None, student: Student | None = None, on: date
) -> int:
    """Called when credentials are issued: the pending consents of that person are answered."""
    pending = Consent.objects.filter(
        decision=Decision.CONSENT, withdrawn_on__isnull=True, access_granted_on__isnull=True
    )
    if guardian is not None:
        pending = pending.filter(guardian=guardian)
    elif student is not None:
        pending = pending.filter(student=student, guardian__isnull=True)
    else:
        return 0
    return pending.update(access_granted_on=on)


def consents_overdue(on: date | None = None) -> QuerySet[Consent]:
    """Consents whose access is late (GOV-06, X-17)."""
    on = on or timezone.localdate()
    return Consent.objects.filter(
        decision=Decision.CONSENT,
        withdrawn_on__isnull=True,
        access_granted_on__isnull=True,
        access_due_on__lt=on,
    ).select_related("student", "guardian")
