"""The monthly reminder to enter events (TTB-11): from the 25th of the school's local month,
once per month and class, skipping classes that already have an event next month."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.events import selectors, services
from tenants.events.models import EventReminder
from tenants.events.tasks import send_event_reminders_task
from tests.tenants.events import events_kit as ek
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(school_a):
    """5А and 5Б with class teachers who have e-mails, 6А without a class teacher, a deputy;
    5Б already has a December event."""
    with schema_context(school_a.schema_name):
        five_a_lead, _ = ek.account(
            school_a, SchoolRole.CLASS_TEACHER, "Первая", email="first@school.example"
        )
        five_b_lead, _ = ek.account(
            school_a, SchoolRole.CLASS_TEACHER, "Вторая", email="second@school.example"
        )
        ek.account(school_a, SchoolRole.DEPUTY, "Завучева", email="deputy@school.example")
        five_a = kit.school_class(teacher=five_a_lead)
        five_b = kit.school_class(letter="Б", teacher=five_b_lead)
        six_a = kit.school_class(grade=6)
        services.event_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=services.EventInput(
                level="class", school_class=five_b, date=date(2026, 12, 20), title="Ёлка"
            ),
        )
    return five_a, five_b, six_a


def _run(on: str, capture) -> None:
    with capture(execute=True):
        send_event_reminders_task.delay(on)


def test_events_missing_lists_classes_without_events_and_school_events(school_a, classes):
    with schema_context(school_a.schema_name):
        missing = selectors.events_missing(date(2026, 12, 1))
        assert [c.name for c in missing.classes] == ["5А", "6А"]
        assert missing.school_events is False
        services.event_save(
            ctx=kit.CTX,
            caller=ek.ADMIN,
            data=services.EventInput(
                level="school", date=date(2026, 11, 28), end_date=date(2026, 12, 2), title="Неделя"
            ),
        )
        assert selectors.events_missing(date(2026, 12, 1)).school_events is True


def test_the_reminder_goes_once_per_month_and_class(
    school_a, classes, django_capture_on_commit_callbacks
):
    five_a, _, six_a = classes
    # given the 24th: too early
    _run("2026-11-24", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # when the 25th comes
    _run("2026-11-25", django_capture_on_commit_callbacks)
    # then the class teacher of 5А (no December event) and the deputy (no school event) are
    # reminded; 5Б has its event; 6А has nobody to remind but is recorded
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == [
        ("deputy@school.example", "Внесите мероприятия школы на декабрь 2026"),
        ("first@school.example", "Внесите мероприятия 5А класса на декабрь 2026"),
    ]
    with schema_context(school_a.schema_name):
        reminders = EventReminder.objects.filter(month=date(2026, 12, 1))
        assert {(r.school_class_id, r.recipients) for r in reminders} == {
            (five_a.pk, 1),
            (six_a.pk, 0),
            (None, 1),
        }
        assert all(ek.audited("event.remind", EventReminder, r.pk) for r in reminders)
    # and the next day nobody is reminded again
    _run("2026-11-26", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_the_reminder_follows_the_schools_local_date(
    school_a, school_b, monkeypatch, django_capture_on_commit_callbacks
):
    # given a class in school B (Kamchatka, UTC+12) whose class teacher has an e-mail
    with schema_context(school_b.schema_name):
        lead, _ = ek.account(school_b, SchoolRole.CLASS_TEACHER, "Камчатова", email="k@b.example")
        kit.school_class(teacher=lead)
    # when it is 24 November 14:00 UTC: the 25th in Kamchatka, still the 24th in Moscow
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 24, 14, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        reminded = send_event_reminders_task.delay().get()
    # then school B reminds and school A does not (other tests' committed schools may exist)
    assert school_b.schema_name in reminded
    assert school_a.schema_name not in reminded
    assert ["k@b.example"] in [m.to for m in mail.outbox]


def test_no_reminder_is_due_before_the_25th(school_a, classes):
    with schema_context(school_a.schema_name):
        result = services.event_reminders_send(
            ctx=kit.CTX, school_id=school_a.pk, today=date(2026, 11, 20)
        )
        assert (result.classes, result.school) == (0, False)
        assert not EventReminder.objects.exists()
