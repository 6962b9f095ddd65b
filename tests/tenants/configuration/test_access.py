"""Every configuration endpoint refuses the wrong role, the wrong school and anonymous callers.

The routes are read from the router, so an endpoint added later is covered without a new test.
Refusal happens before the object is looked up, so a placeholder id is enough.
"""

import pytest

from otmetka.accounts.roles import SchoolRole
from tenants.configuration.api.urls import router
from tests.factories import school_client, school_user
from tests.routes import router_routes

pytestmark = pytest.mark.django_db

WRITE = {"post", "put", "patch", "delete"}


ROUTES = router_routes(router)


def test_the_router_has_the_endpoints_this_test_is_about():
    paths = {path for _, path in ROUTES}
    assert "/api/v1/academic-years/" in paths and "/api/v1/notations/1/" in paths
    assert any(method == "post" for method, _ in ROUTES)


def _call(client, method, path):
    return getattr(client, method)(path, {}, content_type="application/json")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_families_are_refused(school_a, method, path):
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert _call(school_client(school_a, role), method, path).status_code == 403, role


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] in WRITE])
def test_teachers_do_not_change_settings(school_a, method, path):
    for role in (SchoolRole.SUBJECT_TEACHER, SchoolRole.CLASS_TEACHER, SchoolRole.RECORDS_CLERK):
        assert _call(school_client(school_a, role), method, path).status_code == 403, role


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_schools_director_is_refused(school_a, school_b, method, path):
    client = school_client(school_b)
    client.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert _call(client, method, path).status_code == 403


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_refused(school_a, method, path):
    assert _call(school_client(school_a), method, path).status_code in (401, 403)
