"""PDN-08: the no-sharing rule before any page; PDN-09, AUD-05: reporting compromised
credentials blocks the account at once; a new code from the school unblocks it."""

import pytest
from django.contrib.auth import authenticate
from django_tenants.utils import schema_context

from otmetka.accounts.models import CredentialIncident, UserStatus
from otmetka.accounts.roles import SchoolRole
from otmetka.audit.models import RegionAuditRecord
from tests.factories import PASSWORD, school_client, school_user

pytestmark = pytest.mark.django_db


def test_the_rule_comes_before_any_page(school_a):
    user = school_user(school_a, SchoolRole.SCHOOL_ADMIN, rules_accepted_at=None)
    client = school_client(school_a)
    client.force_login(user)
    response = client.get("/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/rules/?next=%2Fsettings%2F")
    assert client.get("/api/v1/academic-years/").status_code == 200  # the API is not a page
    refused = client.post("/accounts/rules/", {"next": "/settings/"})
    assert refused.status_code == 400
    accepted = client.post("/accounts/rules/", {"next": "/settings/", "accept_rules": "on"})
    assert accepted.status_code == 302 and accepted["Location"] == "/settings/"
    assert client.get("/settings/").status_code == 200
    user.refresh_from_db()
    assert user.rules_accepted_at is not None
    assert RegionAuditRecord.objects.filter(
        action="user.rules_accept", object_id=str(user.pk)
    ).exists()


def test_a_compromised_account_is_blocked_then_unblocked_by_a_new_code(school_a):
    from otmetka.accounts.activation import account_activate
    from tenants.people.credentials import credentials_issue
    from tests.tenants.people import kit

    user = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    client = school_client(school_a)
    client.force_login(user)
    assert client.get("/accounts/compromised/").status_code == 200
    done = client.post("/accounts/compromised/", {"note": "пароль видели на стикере"})
    assert done.status_code == 200 and "заблокирована" in done.content.decode()
    user.refresh_from_db()
    assert user.status == UserStatus.BLOCKED
    incident = CredentialIncident.objects.get(user=user)
    assert incident.school_ids == [school_a.pk] and incident.note == "пароль видели на стикере"
    assert authenticate(username=user.username, password=PASSWORD) is None
    assert client.get("/settings/").status_code == 302  # signed out
    with schema_context(school_a.schema_name):
        staff = kit.staff(user=user)
        letter = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[staff])[0]
    account_activate(
        username=user.username, code=letter.code, password="Новый-пароль-2026", accept_rules=True
    )
    assert authenticate(username=user.username, password="Новый-пароль-2026") == user
