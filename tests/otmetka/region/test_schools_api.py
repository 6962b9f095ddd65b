"""The region's schools API: roles, isolation, bad input, status changes."""

import pytest
from django.test import Client

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.region.models import School
from otmetka.region.validators import inn_with_checksum
from tests.factories import MunicipalityFactory, region_user, school_user

pytestmark = pytest.mark.django_db
PUBLIC = "localhost"


def api(user=None) -> Client:
    client = Client(HTTP_HOST=PUBLIC)
    if user is not None:
        client.force_login(user)
    return client


def payload(muni, **overrides):
    body = {
        "slug": "new-school",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Школа № 5»",
        "short_name": "Школа № 5",
        "inn": inn_with_checksum("410555555"),
        "municipality": muni.pk,
        "admin": {"username": "admin-new-school", "last_name": "Сидорова"},
    }
    body.update(overrides)
    return body


def test_ministry_officer_creates_a_school_with_its_admin(django_capture_on_commit_callbacks):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    municipality = MunicipalityFactory(time_zone="Asia/Yekaterinburg")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(officer).post(
            "/api/v1/schools/", payload(municipality), content_type="application/json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["school"]["slug"] == "new-school"
    assert body["school"]["time_zone"] == "Asia/Yekaterinburg"  # from the municipality
    assert body["method"] == "template"
    assert body["admin_username"] == "admin-new-school" and len(body["admin_password"]) >= 12
    # the new admin can use the school at once
    client = Client(HTTP_HOST="new-school.localhost")
    login = client.post(
        "/accounts/login/", {"username": "admin-new-school", "password": body["admin_password"]}
    )
    assert login.status_code == 302
    first = client.get("/")  # PDN-08: the no-sharing rule at the first sign-in
    assert first.status_code == 302 and first["Location"].startswith("/accounts/rules/")
    client.post("/accounts/rules/", {"accept_rules": "on"})
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"inn": "1234567890"}, "inn"),
        ({"inn": "12"}, "inn"),
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "admin"}, "slug"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"municipality": 999999}, "municipality"),
        ({"short_name": ""}, "short_name"),
        ({"admin": {}}, "admin.username"),
    ],
)
def test_bad_input_gets_400_with_field_messages(override, field):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    municipality = MunicipalityFactory()
    before = School.objects.count()
    response = api(officer).post(
        "/api/v1/schools/", payload(municipality, **override), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert School.objects.count() == before


def test_duplicate_slug_and_inn_are_field_errors(school_a):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    response = api(officer).post(
        "/api/v1/schools/",
        payload(school_a.municipality, slug=school_a.slug, inn=school_a.inn),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"slug", "inn"} <= set(response.json()["fields"])


def test_malformed_json_is_400_not_500():
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    response = api(officer).post("/api/v1/schools/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "role",
    [RegionRole.MUNICIPALITY_OFFICER, RegionRole.SUPPORT_AGENT, RegionRole.SUPPORT_LEAD],
)
def test_roles_without_write_scope_cannot_create(role):
    user = region_user(role)
    response = api(user).post(
        "/api/v1/schools/", payload(MunicipalityFactory()), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_is_401():
    response = api().get("/api/v1/schools/")
    assert response.status_code in {401, 403}
    assert response.json()["code"] == "not_authenticated"


def test_school_staff_cannot_use_the_region_api(school_a):
    # a school admin of school A has no region role
    user = school_user(school_a, SchoolRole.SCHOOL_ADMIN, SchoolRole.DIRECTOR)
    assert api(user).get("/api/v1/schools/").status_code == 403


def test_municipality_officer_sees_only_own_municipality(school_a):
    own = MunicipalityFactory()
    officer = region_user(RegionRole.MUNICIPALITY_OFFICER, municipality=own)
    from tests.factories import school_create

    mine = school_create("mine-only", municipality=own)
    response = api(officer).get("/api/v1/schools/")
    slugs = [s["slug"] for s in response.json()["results"]]
    assert slugs == [mine.slug]
    assert api(officer).get(f"/api/v1/schools/{school_a.pk}/").status_code == 404


def test_region_api_is_not_served_on_a_school_host(school_a):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    client = Client(HTTP_HOST="school-a.localhost")
    client.force_login(officer)
    assert client.get("/api/v1/schools/").status_code == 404


def test_suspend_archive_activate_with_reason(django_capture_on_commit_callbacks):
    from tests.factories import school_create

    officer = region_user(RegionRole.MINISTRY_OFFICER)
    school = school_create("lifecycle")
    client = api(officer)
    missing = client.post(
        f"/api/v1/schools/{school.pk}/suspend/", {}, content_type="application/json"
    )
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    for action, status in [
        ("suspend", "suspended"),
        ("activate", "active"),
        ("archive", "archived"),
    ]:
        response = client.post(
            f"/api/v1/schools/{school.pk}/{action}/",
            {"reason": "Приказ № 7 от 01.09.2026"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    again = client.post(
        f"/api/v1/schools/{school.pk}/archive/",
        {"reason": "ещё раз"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "status" in again.json()["fields"]


def test_school_list_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    from tests.factories import school_create

    officer = region_user(RegionRole.MINISTRY_OFFICER)
    municipality = MunicipalityFactory()
    for i in range(5):
        school_create(f"bulk-{i}", municipality=municipality)
    client = api(officer)
    client.get("/api/v1/schools/")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/schools/")
    assert response.status_code == 200
