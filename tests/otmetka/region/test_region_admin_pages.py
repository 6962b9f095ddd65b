"""The region's admin opens on the region's host (request.tenant is None there)."""

import pytest

from tests.factories import UserFactory, region_client

pytestmark = pytest.mark.django_db


def test_the_region_admin_index_and_a_model_list_open_for_a_superuser():
    # given the platform's superuser on the region's host
    client = region_client(UserFactory(is_superuser=True, is_staff=True))
    # when they open the admin's index and the list of schools
    index = client.get("/admin/")
    schools = client.get("/admin/region/school/")
    # then both pages render, listing the region's models
    assert index.status_code == 200, index.content[:300]
    assert "/admin/region/school/" in index.content.decode()
    assert schools.status_code == 200
