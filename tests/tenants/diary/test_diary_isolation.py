"""Property: for random guardian links, consents and memberships over two schools, the diary
shows exactly the caller's linked children with a consent to the electronic diary, and no
response carries any other student (DIA-03, PDN-03, PDN-07)."""

from datetime import date

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from tenants.diary.family import family_of
from tenants.people import consents
from tenants.people import services as people
from tenants.people.models import Guardian, GuardianLink
from tests.factories import UserFactory, region_client
from tests.tenants.diary.diary_kit import MONDAY, journal_week, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

STATES = ["none", "linked", "consent_web", "consent_email", "withdrawn", "link_ended", "refusal"]
NAMES_A = ("Аксёнов", "Бажов", "Ветров")
NAMES_B = ("Гончаров", "Добров", "Ершов")


class _Rollback(Exception):
    pass


def _apply(school, student, state, user, guardian_of_school, other_guardian):
    if state == "none":
        return
    guardian = guardian_of_school.get(school.pk)
    link = people.guardian_link(
        ctx=kit.CTX, student=student, relation="father", guardian=guardian,
        data=None if guardian else people.GuardianInput(
            people.Names("Проверкин", "Пётр"), phone="+79140000066"),
    )  # fmt: skip
    if guardian is None:
        guardian_of_school[school.pk] = link.guardian
        Guardian.objects.filter(pk=link.guardian.pk).update(user_id=user.pk)
    if state in ("consent_web", "consent_email", "withdrawn", "link_ended", "refusal"):
        consent = consents.consent_register(
            ctx=kit.CTX, student=student, applicant="guardian",
            decision="refusal" if state == "refusal" else "consent", guardian=link.guardian,
            channels=["email"] if state == "consent_email" else ["web", "email"],
            on=date(2026, 9, 1),
        )  # fmt: skip
        if state == "withdrawn":
            consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Отзыв")
    if state == "link_ended":
        GuardianLink.objects.filter(pk=link.pk).update(ended_at=MONDAY)
    if other_guardian is None:  # the first child: the other family is linked already
        return
    # another family's guardian of the same child, with a consent: never makes it the caller's
    other = people.guardian_link(ctx=kit.CTX, student=student, relation="mother",
                                 guardian=other_guardian)  # fmt: skip
    consents.consent_register(
        ctx=kit.CTX, student=student, applicant="guardian", decision="consent",
        guardian=other.guardian, channels=["web"], on=date(2026, 9, 1),
    )  # fmt: skip


@pytest.fixture
def two_terms(school_a, school_b):
    a, b = term(school_a, names=NAMES_A), term(school_b, names=NAMES_B)
    journal_week(a)
    journal_week(b)
    others = {}
    for t in (a, b):
        with schema_context(t.school.schema_name):
            others[t.school.pk] = people.guardian_link(
                ctx=kit.CTX, student=t.students[0], relation="mother",
                data=people.GuardianInput(people.Names("Чужая", "Мать"), phone="+79140000055"),
            ).guardian  # fmt: skip
    return a, b, others


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    states=st.lists(st.sampled_from(STATES), min_size=6, max_size=6),
    memberships=st.tuples(st.booleans(), st.booleans()),
)
def test_the_diary_shows_exactly_the_callers_children(two_terms, states, memberships):
    a, b, others = two_terms
    try:
        with transaction.atomic():
            user = UserFactory()
            guardians = {}
            expected = set()
            for t, member, offset in ((a, memberships[0], 0), (b, memberships[1], 3)):
                SchoolMembership.objects.create(
                    user=user, school=t.school, roles=[SchoolRole.GUARDIAN], is_active=member
                )
                with schema_context(t.school.schema_name):
                    others[t.school.pk].refresh_from_db()
                    for student, state in zip(t.students, states[offset : offset + 3], strict=True):
                        _apply(
                            t.school,
                            student,
                            state,
                            user,
                            guardians,
                            others[t.school.pk] if student.pk != t.students[0].pk else None,
                        )
                        if member and state == "consent_web":
                            expected.add(f"{t.school.slug}.{student.pk}")
            shown = {c.key for c in family_of(user.pk).children}
            assert shown == expected
            response = region_client(user).get("/api/v1/diary/week/", {"date": MONDAY.isoformat()})
            if not any(memberships):
                assert response.status_code == 403
            else:
                body = response.content.decode()
                assert {c["key"] for c in response.json()["children"]} == expected
                for t in (a, b):
                    for student in t.students:
                        key = f"{t.school.slug}.{student.pk}"
                        assert (student.last_name in body) == (key in expected)
            raise _Rollback
    except _Rollback:
        pass
