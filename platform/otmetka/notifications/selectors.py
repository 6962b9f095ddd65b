"""What the subscription page and API show: the account's own choices (or, before the first
save, the e-mail and phone from the school's records, prefilled for the guardian to confirm),
and which of their children each channel covers (the consents registered at school)."""

from __future__ import annotations

from otmetka.accounts.models import SchoolMembership, User
from otmetka.accounts.roles import SchoolRole
from otmetka.region.choices import SchoolStatus
from tenants.diary.family import family_of
from tenants.people.choices import Channel
from tenants.people.models import Guardian, Student
from tenants.school.across import rows_across

from .choices import Digest, Weekday
from .models import Subscription
from .validators import phone_normalise, phone_valid


def _school_contacts(user: User) -> tuple[str, str]:
    """The first e-mail and mobile number on the account's guardian (or student) records in its
    schools, else the account's own. One query over the schools."""
    schemas = list(
        SchoolMembership.objects.filter(
            user_id=user.pk, is_active=True, school__status=SchoolStatus.ACTIVE,
            roles__overlap=[SchoolRole.GUARDIAN, SchoolRole.STUDENT],
        ).order_by("school_id").values_list("school__schema_name", flat=True)
    )  # fmt: skip
    parts = []
    for schema in schemas:
        parts.append(
            (schema, Guardian.objects.filter(user_id=user.pk).values_list("email", "phone"))
        )
        parts.append(
            (schema, Student.objects.filter(user_id=user.pk).values_list("email", "phone"))
        )
    rows = sorted(rows_across(parts), key=lambda r: schemas.index(r[0]))
    emails = [email for _, email, _ in rows if email] + ([user.email] if user.email else [])
    phones = [phone_normalise(p) for _, _, p in rows if p] + (
        [phone_normalise(user.phone)] if user.phone else []
    )
    return (emails[0] if emails else ""), next((p for p in phones if phone_valid(p)), "")


def subscription_view(user: User) -> dict:
    sub = Subscription.objects.filter(user_id=user.pk).first()
    if sub is not None:
        data = {
            "digest": sub.digest, "digest_weekday": sub.digest_weekday,
            "sms_marks": sub.sms_marks, "final_marks": sub.final_marks,
            "email": sub.email, "phone": sub.phone, "saved": True,
        }  # fmt: skip
    else:
        email, phone = _school_contacts(user)
        data = {
            "digest": Digest.OFF, "digest_weekday": Weekday.FRIDAY, "sms_marks": False,
            "final_marks": False, "email": email, "phone": phone, "saved": False,
        }  # fmt: skip
    by_channel = {
        channel: {c.key: c for c in family_of(user.pk, channel=channel).children}
        for channel in (Channel.WEB, Channel.EMAIL, Channel.SMS)
    }
    children = {}
    for found in by_channel.values():
        children.update({key: child for key, child in found.items() if key not in children})
    data["children"] = [
        {
            "key": key,
            "name": child.name,
            "email": key in by_channel[Channel.EMAIL],
            "sms": key in by_channel[Channel.SMS] and child.role == "guardian",
        }
        for key, child in children.items()
    ]
    return data
