"""Credentials (PPL-12…14, X-11, X-14, PDN-08): accounts, one-time codes, letters, activation."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.activation import account_activate, username_for
from otmetka.accounts.models import ActivationCode, SchoolMembership, User
from otmetka.accounts.roles import SchoolRole
from tenants.people import services
from tenants.people.credentials import credentials_issue
from tests.factories import school_client
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Камчатка-2026-весна"


def _family(school):
    """A 15-year-old in 9А with a mother, and a 10-year-old in 4А."""
    with schema_context(school.schema_name):
        nine = kit.school_class(grade=9)
        older = kit.enrol(nine, "Старшов", "Степан", birth=date(2011, 3, 1))
        younger = kit.enrol(kit.school_class(grade=4), "Младшов", "Миша", birth=date(2016, 3, 1))
        link = services.guardian_link(
            ctx=kit.CTX,
            student=older,
            relation="mother",
            data=services.GuardianInput(services.Names("Старшова", "Алла"), phone="+79140000077"),
        )
        return nine, older, younger, link.guardian


def test_issue_then_activate(school_a):
    _, older, _, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        letters = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older, mother])
        older.refresh_from_db()
    assert [letter.username for letter in letters] == ["starshov.ss", "starshova.a"]
    user = User.objects.get(pk=older.user_id)
    assert not user.has_usable_password()
    assert SchoolMembership.objects.get(user=user, school=school_a).roles == [SchoolRole.STUDENT]
    assert ActivationCode.objects.get(user=user).code_hash != letters[0].code  # only a hash kept
    with pytest.raises(ValidationError) as no_rules:
        account_activate(
            username="starshov.ss", code=letters[0].code, password=NEW_PASSWORD, accept_rules=False
        )
    assert "accept_rules" in no_rules.value.message_dict
    with pytest.raises(ValidationError) as weak:
        account_activate(
            username="starshov.ss", code=letters[0].code, password="123", accept_rules=True
        )
    assert "password" in weak.value.message_dict
    account_activate(
        username="starshov.ss",
        code=letters[0].code.lower(),
        password=NEW_PASSWORD,
        accept_rules=True,
    )
    user.refresh_from_db()
    assert user.rules_accepted_at is not None
    assert authenticate(username="starshov.ss", password=NEW_PASSWORD) == user
    with pytest.raises(ValidationError):  # a code works once
        account_activate(
            username="starshov.ss", code=letters[0].code, password=NEW_PASSWORD, accept_rules=True
        )


def test_reissue_voids_the_old_code_and_codes_expire(school_a):
    _, older, _, _ = _family(school_a)
    with schema_context(school_a.schema_name):
        first = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older])[0]
        older.refresh_from_db()
        second = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older])[0]
    assert first.username == second.username
    with pytest.raises(ValidationError):
        account_activate(
            username=first.username, code=first.code, password=NEW_PASSWORD, accept_rules=True
        )
    with pytest.raises(ValidationError):
        account_activate(
            username=second.username,
            code=second.code,
            password=NEW_PASSWORD,
            accept_rules=True,
            now=timezone.now() + timedelta(days=15),
        )


def test_younger_students_and_leavers_get_no_credentials(school_a):
    _, older, younger, _ = _family(school_a)
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older, younger])
        assert "младше 14" in error.value.message_dict["people"][0]
        older.refresh_from_db()
        assert older.user_id is None  # all or nothing


def test_usernames_are_unique_and_latin():
    User.objects.create(username="ivanov.ip")
    assert username_for("Иванов", "Иван", "Петрович") == "ivanov.ip2"
    assert username_for("Щукина-Ёлкина", "Юлия") == "shchukinaelkina.i"


def test_the_api_prints_letters_and_the_handover_role_is_respected(school_a):
    nine, older, _, mother = _family(school_a)
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    response = admin.post(
        "/api/v1/credentials/", {"guardians": [mother.pk]}, content_type="application/json"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # a class teacher hands over for their own class only (X-11: class_teacher by default)
    with schema_context(school_a.schema_name):
        lead, lead_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        services.class_save(
            ctx=kit.CTX, year=nine.year, grade=9, letter="А", class_teacher=lead, school_class=nine
        )
        other = kit.enrol(kit.school_class(grade=9, letter="Б"), "Чужов", birth=date(2011, 1, 1))
    teacher = school_client(school_a)
    teacher.force_login(lead_user)
    own = teacher.post(
        "/api/v1/credentials/", {"students": [older.pk]}, content_type="application/json"
    )
    assert own.status_code == 200
    foreign = teacher.post(
        "/api/v1/credentials/", {"students": [other.pk]}, content_type="application/json"
    )
    assert foreign.status_code == 403
    empty = admin.post("/api/v1/credentials/", {}, content_type="application/json")
    assert empty.status_code == 400 and "students" in empty.json()["fields"]


def test_activation_page(school_a):
    _, older, _, _ = _family(school_a)
    with schema_context(school_a.schema_name):
        letter = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older])[0]
    client = Client(HTTP_HOST="localhost")
    body = {"username": letter.username, "code": letter.code, "password": NEW_PASSWORD}
    mismatch = client.post(
        "/accounts/activate/", {**body, "password2": "другой", "accept_rules": "on"}
    )
    assert mismatch.status_code == 400 and "не совпадают" in mismatch.content.decode()
    done = client.post(
        "/accounts/activate/", {**body, "password2": NEW_PASSWORD, "accept_rules": "on"}
    )
    assert done.status_code == 302
    wrong = Client(HTTP_HOST="localhost").post(
        "/accounts/activate/",
        {**body, "code": "AAAAA-AAAAA", "password2": NEW_PASSWORD, "accept_rules": "on"},
    )
    assert wrong.status_code == 400 and "не подходят" in wrong.content.decode()


def test_the_letter_names_the_school_and_the_person(school_a):
    import shutil
    import subprocess

    _, older, _, _ = _family(school_a)
    with schema_context(school_a.schema_name):
        from tenants.people.credentials import letters_pdf

        letters = credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[older])
        pdf = letters_pdf(letters, school_id=school_a.pk, activate_url="https://example/activate/")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF's text")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert school_a.full_name in text and "Старшов Степан" in text
    assert letters[0].username in text and letters[0].code in text
