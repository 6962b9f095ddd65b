"""The ministry's template editor and the setup-completeness page."""

import json

import pytest

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.region.models import RegionTemplate
from tenants.configuration.demo import REGION_TEMPLATE
from tests.factories import region_client, region_user, school_user

pytestmark = pytest.mark.django_db


page = region_client


def test_officer_drafts_with_field_messages_then_publishes(schools):
    client = page(region_user(RegionRole.MINISTRY_OFFICER))
    assert client.get("/ministry/templates/").status_code == 200
    broken = {**REGION_TEMPLATE, "calendar": {**REGION_TEMPLATE["calendar"], "end": "2026-01-01"}}
    response = client.post("/ministry/templates/", {"content": json.dumps(broken)})
    assert response.status_code == 400
    assert "calendar.end" in response.content.decode()
    assert not RegionTemplate.objects.exists()
    not_json = client.post("/ministry/templates/", {"content": "{"})
    assert not_json.status_code == 400
    saved = client.post(
        "/ministry/templates/", {"content": json.dumps(REGION_TEMPLATE), "note": "2026/2027"}
    )
    assert saved.status_code == 302
    draft = RegionTemplate.objects.get()
    assert not draft.is_published and draft.note == "2026/2027"
    client.post("/ministry/templates/", {"action": "publish"})
    draft.refresh_from_db()
    assert draft.is_published


def test_who_may_edit_templates(schools):
    municipality = page(region_user(RegionRole.MUNICIPALITY_OFFICER))
    assert municipality.get("/ministry/templates/").status_code == 200
    body = {"content": json.dumps(REGION_TEMPLATE)}
    assert municipality.post("/ministry/templates/", body).status_code == 403
    director = page(school_user(schools["a"], SchoolRole.DIRECTOR))
    assert director.get("/ministry/templates/").status_code == 403
    assert director.get("/ministry/setup/").status_code == 403
    assert page().get("/ministry/templates/").status_code == 302
    assert not RegionTemplate.objects.exists()


def test_setup_completeness_page_counts_schools(schools):
    response = page(region_user(RegionRole.MINISTRY_OFFICER)).get("/ministry/setup/")
    assert response.status_code == 200
    assert 'data-item="rooms"' in response.content.decode()
