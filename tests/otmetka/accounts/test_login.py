"""Signing in on pages and by API token; lockout and rate limit (N-17)."""

import pytest
from django.test import Client, override_settings

from otmetka.accounts.models import UserStatus
from otmetka.accounts.roles import SchoolRole
from tests.factories import PASSWORD, UserFactory, school_user

pytestmark = pytest.mark.django_db


def test_login_and_logout_on_the_region_host():
    user = UserFactory()
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == user
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_gives_one_message_for_every_failure():
    user = UserFactory()
    client = Client(HTTP_HOST="localhost")
    wrong = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert "Неверный логин или пароль." in wrong.content.decode()
    assert "Неверный логин или пароль." in unknown.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_account_is_locked_after_repeated_failures_even_for_the_right_password():
    user = UserFactory()
    client = Client(HTTP_HOST="localhost")
    for _ in range(3):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "заблокирован" in locked.content.decode()
    # the API refuses the same way, with Retry-After
    api = client.post(
        "/api/v1/auth/tokens/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["code"] == "login_locked"
    assert int(api["Retry-After"]) > 0


@override_settings(LOGIN_RATE_PER_ADDRESS=5)
def test_one_address_cannot_try_many_accounts():
    client = Client(HTTP_HOST="localhost")
    codes = [
        client.post("/accounts/login/", {"username": f"guess{i}", "password": "x"}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429, 429]


def test_blocked_account_cannot_sign_in():
    user = UserFactory(status=UserStatus.BLOCKED)
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_api_token_flow(school_a):
    user = school_user(school_a, SchoolRole.SUBJECT_TEACHER)
    client = Client(HTTP_HOST="school-a.localhost")
    issued = client.post(
        "/api/v1/auth/tokens/",
        {"username": user.username, "password": PASSWORD, "name": "мобильное приложение"},
        content_type="application/json",
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert [r["code"] for r in me.json()["roles"]] == ["subject_teacher"]
    # the stored token is a hash, never the key
    from otmetka.accounts.models import ApiToken

    assert not ApiToken.objects.filter(key_hash=token).exists()
    bad = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.status_code == 401
    assert bad.json()["code"] == "authentication_failed"


def test_token_request_bad_input_is_400():
    client = Client(HTTP_HOST="localhost")
    response = client.post("/api/v1/auth/tokens/", {}, content_type="application/json")
    assert response.status_code == 400
    assert {"username", "password"} <= set(response.json()["fields"])


def test_session_idle_timeout_is_thirty_minutes():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 30 * 60
