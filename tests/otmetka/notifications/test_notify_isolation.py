"""Property: for random links, consents (by channel) and memberships over two schools, a
guardian's SMS are exactly about their linked children whose consent names SMS, their digest
exactly about those whose consent names e-mail, and no message ever carries another family's
child (DIA-03, DIA-06, PDN-03, PDN-07)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from otmetka.notifications import services
from otmetka.notifications.choices import Kind
from otmetka.notifications.compose import compose
from otmetka.notifications.models import Notification, Subscription
from tenants.people import consents
from tenants.people import services as people
from tenants.people.models import Guardian, GuardianLink
from tests.factories import UserFactory
from tests.otmetka.notifications.notify_kit import NOW, save_marks, subscribed_family
from tests.tenants.diary.diary_kit import MONDAY, term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db

CHANNELS = {
    "web": ["web"],
    "email": ["email"],
    "sms": ["sms"],
    "all": ["web", "email", "sms"],
    "withdrawn": ["web", "email", "sms"],
    "link_ended": ["web", "email", "sms"],
    "refusal": [],
}
STATES = ["none", "linked", *CHANNELS]
NAMES_A = ("Аксёнов", "Бажов", "Ветров")
NAMES_B = ("Гончаров", "Добров", "Ершов")


class _Rollback(Exception):
    pass


def _apply(school, student, state, user, guardians):
    if state == "none":
        return
    guardian = guardians.get(school.pk)
    link = people.guardian_link(
        ctx=kit.CTX, student=student, relation="father", guardian=guardian,
        data=None if guardian else people.GuardianInput(
            people.Names("Проверкин", "Пётр"), phone="+79140000066"),
    )  # fmt: skip
    if guardian is None:
        guardians[school.pk] = link.guardian
        Guardian.objects.filter(pk=link.guardian.pk).update(user_id=user.pk)
    if state in CHANNELS:
        consent = consents.consent_register(
            ctx=kit.CTX, student=student, applicant="guardian",
            decision="refusal" if state == "refusal" else "consent", guardian=link.guardian,
            channels=CHANNELS[state] or ["web"], on=date(2026, 9, 1),
        )  # fmt: skip
        if state == "withdrawn":
            consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Отзыв")
    if state == "link_ended":
        GuardianLink.objects.filter(pk=link.pk).update(ended_at=MONDAY)


@pytest.fixture
def two_schools(school_a, school_b):
    """Two classes; in each, another family's guardian of the first pupil, consented to every
    channel and subscribed to everything."""
    a, b = term(school_a, names=NAMES_A), term(school_b, names=NAMES_B)
    for t in (a, b):
        subscribed_family(t.school, [t.students[0]], email="other@example.ru",
                          phone="+79140000055")  # fmt: skip
    return a, b


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    states=st.lists(st.sampled_from(STATES), min_size=6, max_size=6),
    memberships=st.tuples(st.booleans(), st.booleans()),
)
def test_messages_are_about_exactly_the_callers_consented_children(
    two_schools, states, memberships
):
    a, b = two_schools
    try:
        with transaction.atomic():
            # given a guardian with random links and consents in two schools
            user = UserFactory()
            Subscription.objects.create(
                user=user, digest="daily", sms_marks=True, final_marks=True,
                email="prop@example.ru", phone="+79140000066", time_zone="Europe/Moscow",
                digest_last_on=date(2026, 11, 20), digest_since=NOW - timedelta(days=4),
            )  # fmt: skip
            guardians, by_sms, by_email, names = {}, set(), set(), {}
            for t, member, offset in ((a, memberships[0], 0), (b, memberships[1], 3)):
                SchoolMembership.objects.create(
                    user=user, school=t.school, roles=[SchoolRole.GUARDIAN], is_active=member
                )
                with schema_context(t.school.schema_name):
                    for student, state in zip(t.students, states[offset : offset + 3], strict=True):
                        _apply(t.school, student, state, user, guardians)
                        key = (t.school.schema_name, student.pk)
                        names[key] = student.last_name
                        if member and state in ("sms", "all"):
                            by_sms.add(key)
                        if member and state in ("email", "all"):
                            by_email.add(key)
                    # when every pupil gets a mark in one save
                    marks = save_marks(t, dict.fromkeys(t.students, "5"))
                    services.mark_notices_queue(mark_ids=marks, now=NOW)
            # then the SMS are exactly about the SMS-consented children
            sms = list(Notification.objects.filter(user=user, kind=Kind.MARK))
            assert {(n.schema, n.student_id) for n in sms} == by_sms
            for row in sms:
                text = compose(row, NOW).text
                assert text.startswith(names[(row.schema, row.student_id)] + " И.:")
                others = set(names.values()) - {names[(row.schema, row.student_id)]}
                assert not any(other in text for other in others)
            # and the other family's SMS only about their own child
            theirs = Notification.objects.filter(kind=Kind.MARK).exclude(user=user)
            assert {n.student_id for n in theirs} <= {a.students[0].pk, b.students[0].pk}
            # and the digest tells of exactly the e-mail-consented children
            [digest] = [
                pk for pk in services.digests_queue(now=NOW)
                if Notification.objects.get(pk=pk).user_id == user.pk
            ]  # fmt: skip
            message = compose(Notification.objects.get(pk=digest), NOW)
            if not by_email:
                assert message is None
            else:
                for key, last_name in names.items():
                    assert (last_name in message.text) == (key in by_email), last_name
                    assert (last_name in message.html) == (key in by_email), last_name
            raise _Rollback
    except _Rollback:
        pass
