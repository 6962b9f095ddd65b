"""Memberships read with the API token: for that request only, and never another school's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from otmetka.accounts.memberships import active_memberships
from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from otmetka.accounts.services import api_token_create
from tests.factories import school_user

pytestmark = pytest.mark.django_db


def _me(host: str, token: str, status: int = 200) -> dict:
    response = Client(HTTP_HOST=host).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == status, response.content
    return response.json()


def test_a_token_request_reads_roles_with_the_token_and_only_of_its_school(school_a, school_b):
    user = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    token = api_token_create(user=user, name="t")[1]
    with CaptureQueriesContext(connection) as queries:
        me = _me("school-a.localhost", token)
    assert [r["code"] for r in me["roles"]] == ["subject_teacher"]
    # the token and the memberships are one statement
    assert not [q for q in queries.captured_queries if "schoolmembership" in q["sql"]
                and "key_hash" not in q["sql"]]  # fmt: skip
    # another school's host refuses: no role there
    _me("school-b.localhost", token, 403)


def test_memberships_are_kept_for_their_request_only(school_a):
    user = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    token = api_token_create(user=user, name="t")[1]
    _me("school-a.localhost", token)
    # after the request, reading them asks the database again
    with CaptureQueriesContext(connection) as queries:
        assert [m[0] for m in active_memberships(user.pk)] == [["subject_teacher"]]
    assert len(queries.captured_queries) == 1
    # a membership ended is seen by the very next request
    SchoolMembership.objects.filter(user=user).update(is_active=False)
    _me("school-a.localhost", token, 403)
    assert active_memberships(user.pk) == []
