"""Journal pages: who opens them, and who gets a writable grid."""

import pytest

from otmetka.accounts.roles import SchoolRole
from tests.factories import school_client, school_user
from tests.tenants.journal.test_journal_api import _setup

pytestmark = pytest.mark.django_db


def test_who_opens_the_journal_pages(school_a, school_b):
    s = _setup(school_a)
    page = s["url"].replace("/api/v1/journal/grid/", "/journal/grid/")
    for path in ("/journal/", page):
        for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN, SchoolRole.SCHOOL_ADMIN):
            assert school_client(school_a, role).get(path).status_code == 403, (role, path)
        other = school_client(school_b)
        other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
        assert other.get(path).status_code == 403
        assert school_client(school_a).get(path).status_code == 302  # to the login page
    listing = s["client"].get("/journal/").content.decode()
    assert "5А" in listing and "Математика" in listing
    mine = s["client"].get(page).content.decode()
    assert 'data-can-write="1"' in mine and "<title>Журнал: 5А, Математика" in mine
    director = school_client(school_a, SchoolRole.DIRECTOR).get(page).content.decode()
    assert 'data-can-write="0"' in director
    assert school_client(school_a, SchoolRole.SUBJECT_TEACHER).get(page).status_code == 403
    assert s["client"].get("/journal/grid/?class=x").status_code == 404
