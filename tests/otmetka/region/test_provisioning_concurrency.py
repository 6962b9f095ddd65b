"""Creating a school does not block other schools' requests (TEN-02, ADR 0001)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from otmetka.audit.context import AuditContext
from otmetka.region import provisioning, services
from otmetka.region.models import Municipality
from tests.factories import PASSWORD, next_inn, school_user

pytestmark = pytest.mark.django_db


class _Abort(Exception):
    pass


def test_school_tables_hold_no_foreign_keys_to_public_tables():
    snapshot = provisioning.current_snapshot()
    assert "REFERENCES public." not in snapshot.sql


def test_requests_of_other_schools_go_on_while_a_school_is_being_created(school_a):
    # given a user of school A
    user = school_user(school_a)
    municipality_id = Municipality.objects.values_list("pk", flat=True).first()
    created = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def create_and_hold():
        try:
            with transaction.atomic():
                services.school_create(
                    ctx=AuditContext.cli(),
                    slug="being-created",
                    short_name="Новая",
                    full_name="Новая школа",
                    inn=next_inn(),
                    time_zone="Europe/Moscow",
                    municipality=Municipality.objects.get(pk=municipality_id),
                    admin=services.AdminSpec(username="new-admin-concurrent"),
                )
                created.set()
                release.wait(30)  # the creating transaction stays open
                raise _Abort
        except _Abort:
            pass
        except BaseException as exc:
            errors.append(exc)
            created.set()
        finally:
            connections.close_all()

    # when a school's creation is in flight (its schema written, not yet committed)
    thread = threading.Thread(target=create_and_hold)
    thread.start()
    try:
        assert created.wait(30)
        assert not errors, errors
        with connection.cursor() as cursor:  # a blocked statement fails instead of hanging
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        # then school A's users sign in (writes a session, updates the user) and read their pages
        client = Client(HTTP_HOST="school-a.localhost")
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/me/").status_code == 200
    finally:
        release.set()
        thread.join(30)
