"""The ministry's pages: list, create, suspend/archive; the role-aware home page."""

import pytest

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.region.models import School
from otmetka.region.validators import inn_with_checksum
from tests.factories import (
    MunicipalityFactory,
    region_client,
    region_user,
    school_create,
    school_user,
)

pytestmark = pytest.mark.django_db


page = region_client


def form(municipality, **overrides):
    data = {
        "short_name": "Гимназия № 3",
        "full_name": "МАОУ «Гимназия № 3»",
        "slug": "gymnasium-3",
        "inn": inn_with_checksum("410333333"),
        "municipality": municipality.pk,
        "address": "",
        "time_zone": "",
        "admin_username": "admin-gym3",
        "admin_last_name": "Орлова",
        "admin_first_name": "",
        "admin_middle_name": "",
        "admin_email": "",
    }
    data.update(overrides)
    return data


def test_home_is_role_aware(school_a):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    assert "Школы региона" in page(officer).get("/").content.decode()
    staff = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    body = page(staff).get("/").content.decode()
    assert "Школы региона" not in body and school_a.short_name in body
    assert "Войти" in page().get("/").content.decode()


def test_school_list_filters_by_status(school_a):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    body = page(officer).get("/ministry/schools/").content.decode()
    assert school_a.short_name in body
    assert (
        school_a.short_name
        not in page(officer).get("/ministry/schools/?status=archived").content.decode()
    )


def test_create_school_from_the_page():
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    municipality = MunicipalityFactory(time_zone="Asia/Kamchatka")
    response = page(officer).post("/ministry/schools/new/", form(municipality))
    assert response.status_code == 201
    body = response.content.decode()
    assert "http://gymnasium-3.localhost" in body and 'data-testid="admin-password"' in body
    school = School.objects.get(slug="gymnasium-3")
    assert school.time_zone == "Asia/Kamchatka"


def test_create_school_bad_input_shows_field_errors_and_writes_nothing(school_a):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    before = School.objects.count()
    response = page(officer).post(
        "/ministry/schools/new/",
        form(school_a.municipality, inn="1234567890", slug=school_a.slug, time_zone="Mars/X"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("inn", "time_zone"):
        assert f'data-field="{field}"' in body
    assert School.objects.count() == before
    # a duplicate address is reported by the service, on its field
    response = page(officer).post(
        "/ministry/schools/new/", form(school_a.municipality, slug=school_a.slug)
    )
    assert response.status_code == 400
    assert 'data-field="slug"' in response.content.decode()


def test_suspend_and_archive_from_the_list(django_capture_on_commit_callbacks):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    school = school_create("page-lifecycle")
    client = page(officer)
    refused = client.post(f"/ministry/schools/{school.pk}/suspend/", {"reason": ""})
    assert refused.status_code == 302
    school.refresh_from_db()
    assert school.status == "active"
    client.post(f"/ministry/schools/{school.pk}/suspend/", {"reason": "Приказ № 9"})
    school.refresh_from_db()
    assert school.status == "suspended" and school.status_reason == "Приказ № 9"
    client.post(f"/ministry/schools/{school.pk}/archive/", {"reason": "Ликвидация"})
    school.refresh_from_db()
    assert school.status == "archived"


@pytest.mark.parametrize("role", [RegionRole.MUNICIPALITY_OFFICER, RegionRole.SUPPORT_AGENT])
def test_read_only_region_roles_cannot_create_or_suspend(role, school_a):
    user = region_user(role, municipality=school_a.municipality)
    client = page(user)
    assert client.get("/ministry/schools/").status_code == 200
    assert client.get("/ministry/schools/new/").status_code == 403
    assert (
        client.post(f"/ministry/schools/{school_a.pk}/suspend/", {"reason": "x"}).status_code == 403
    )


def test_anonymous_is_sent_to_login():
    response = page().get("/ministry/schools/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_school_list_page_query_count_is_bounded(django_assert_max_num_queries):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    municipality = MunicipalityFactory()
    for i in range(4):
        school_create(f"page-bulk-{i}", municipality=municipality)
    client = page(officer)
    client.get("/ministry/schools/")
    with django_assert_max_num_queries(3):
        assert client.get("/ministry/schools/").status_code == 200
