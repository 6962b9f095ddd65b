"""The consent registry (PDN-04, PDN-05, GOV-02…06, X-14, X-17)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.people import consents, services
from tenants.people.credentials import credentials_issue
from tests.factories import school_client
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


_family = kit.teen_with_mother


def test_a_guardian_is_refused_consent_for_a_child_not_theirs(school_a):
    _, other, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            consents.consent_register(
                ctx=kit.CTX,
                student=other,
                applicant="guardian",
                decision="consent",
                guardian=mother,
                on=MONDAY,
            )
        assert "GOV-04" in error.value.message_dict["guardian"][0]
        assert not consents.Consent.objects.exists()


def test_registration_numbers_due_dates_and_access(school_a):
    teen, _, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        first = consents.consent_register(
            ctx=kit.CTX, student=teen, applicant="guardian", decision="consent", guardian=mother,
            on=MONDAY,
        )  # fmt: skip
        assert first.number == "1/2026" and first.registered_on == MONDAY
        assert first.access_due_on == date(2026, 12, 7)  # 10 working days later
        with pytest.raises(ValidationError):  # the same application twice
            consents.consent_register(
                ctx=kit.CTX,
                student=teen,
                applicant="guardian",
                decision="consent",
                guardian=mother,
                on=MONDAY,
            )
        assert list(consents.consents_overdue(date(2026, 12, 8))) == [first]
        credentials_issue(ctx=kit.CTX, school_id=school_a.pk, people=[mother], today=MONDAY)
        first.refresh_from_db()
        assert first.access_granted_on == MONDAY
        assert not consents.consents_overdue(date(2026, 12, 8)).exists()


def test_a_student_applies_at_14_only_with_a_guardians_consent(school_a):
    teen, _, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as without:
            consents.consent_register(
                ctx=kit.CTX, student=teen, applicant="student_14", decision="consent", on=MONDAY
            )
        assert "GOV-02" in without.value.message_dict["applicant"][0]
        consents.consent_register(
            ctx=kit.CTX,
            student=teen,
            applicant="guardian",
            decision="consent",
            guardian=mother,
            on=MONDAY,
        )
        own = consents.consent_register(
            ctx=kit.CTX, student=teen, applicant="student_14", decision="consent", on=MONDAY
        )
        assert own.number == "2/2026"
        with pytest.raises(ValidationError) as adult:
            consents.consent_register(
                ctx=kit.CTX, student=teen, applicant="adult_student", decision="consent", on=MONDAY
            )
        assert "18" in adult.value.message_dict["applicant"][0]


def test_refusal_withdrawal_and_stop_application(school_a):
    teen, _, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        refusal = consents.consent_register(
            ctx=kit.CTX,
            student=teen,
            applicant="guardian",
            decision="refusal",
            guardian=mother,
            on=MONDAY,
        )
        assert refusal.access_due_on is None and refusal.channels == []
        with pytest.raises(ValidationError):
            consents.consent_withdraw(ctx=kit.CTX, consent=refusal, reason=" ", on=MONDAY)
        stopped = consents.consent_withdraw(
            ctx=kit.CTX, consent=refusal, reason="Заявление от 01.12.2026", stop=True, on=MONDAY
        )
        assert stopped.withdrawal_number == "2/2026"
        assert stopped.withdrawal_reason.startswith("Стоп-заявление")


def test_consents_api_for_the_class_teacher(school_a):
    teen, other, mother = _family(school_a)
    with schema_context(school_a.schema_name):
        lead, lead_user = kit.teacher_account(school_a, SchoolRole.CLASS_TEACHER, "Классная")
        nine = teen.class_memberships.get().school_class
        services.class_save(
            ctx=kit.CTX, year=nine.year, grade=9, letter="А", class_teacher=lead, school_class=nine
        )
        foreign = kit.enrol(kit.school_class(grade=9, letter="Б"), "Чужов", birth=date(2011, 1, 1))
    client = school_client(school_a)
    client.force_login(lead_user)
    body = {
        "student": teen.pk,
        "guardian": mother.pk,
        "applicant": "guardian",
        "decision": "consent",
    }
    created = client.post("/api/v1/consents/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["channels"] == ["web"]
    wrong_child = client.post(
        "/api/v1/consents/", {**body, "student": other.pk}, content_type="application/json"
    )
    assert wrong_child.status_code == 400 and "guardian" in wrong_child.json()["fields"]
    not_mine = client.post(
        "/api/v1/consents/", {**body, "student": foreign.pk}, content_type="application/json"
    )
    assert not_mine.status_code == 403
    assert [c["number"] for c in client.get("/api/v1/consents/").json()] == [
        f"1/{date.today().year}"
    ]
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher.get("/api/v1/consents/").status_code == 403
