"""Building blocks for the events tests: subjects, accounts with e-mails, callers, audit
look-ups."""

from __future__ import annotations

from django.test import Client

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import SchoolRole, scopes_for
from tenants.audit.models import AuditRecord
from tenants.configuration import services as configuration
from tenants.configuration.models import Subject
from tests.factories import school_client, school_user
from tests.tenants.people import kit


def caller(role: str = SchoolRole.DEPUTY, user=None) -> Caller:
    """The caller a request of `user` with `role` would carry (no account: the role alone)."""
    return Caller(
        user_id=user.pk if user is not None else None,
        school_roles=frozenset({role}),
        scopes=scopes_for((), (role,)),
    )


ADMIN = caller()  # a deputy: writes every event and every exam choice


def subject(code: str) -> Subject:
    return (
        Subject.objects.filter(federal_code=code).first()
        or configuration.subjects_add_from_catalogue(ctx=kit.CTX, codes=[code])[0]
    )


def account(school, role, last_name: str, email: str = ""):
    """A staff record bound to a user with `role` (and an e-mail) in `school`."""
    user = school_user(school, role, email=email)
    return kit.staff(last_name=last_name, user=user), user


def client_for(school, user) -> Client:
    client = school_client(school)
    client.force_login(user)
    return client


def audited(action: str, model, pk: int) -> bool:
    """Whether the current school's audit log holds `action` on the `model` row `pk`."""
    return AuditRecord.objects.filter(
        action=action, object_type=model._meta.label, object_id=str(pk)
    ).exists()
