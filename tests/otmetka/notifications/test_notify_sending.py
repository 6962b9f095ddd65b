"""Sending through real transports on loopback: the digest to an SMTP server, SMS to an HTTP
gateway that fails first (retries with backoff), final failures, and logs without personal
data (INT-05, DIA-06, DIA-09, PDN)."""

import logging
from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from otmetka.notifications import services, tasks
from otmetka.notifications.choices import Digest, Status
from otmetka.notifications.models import Notification
from tenants.journal import services as journal
from tenants.timetable.homework import HomeworkInput, homework_save
from tests.factories import region_client
from tests.otmetka.notifications.notify_kit import (
    MONDAY,
    NOW,
    WEDNESDAY,
    lesson_on,
    save_marks,
    subscribed_family,
)
from tests.tenants.diary.diary_kit import term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db


def _week_for_digest(t):
    """For the first pupil: a 2 on Monday with its topic, an absence on last Wednesday with its
    topic, and homework for this Wednesday; a 5 for a classmate. Entered an hour before NOW."""
    first, second = t.students[0], t.students[1]
    with schema_context(t.school.schema_name):
        save_marks(t, {first: "2", second: "5"}, topic="Проценты")
        last_wednesday = t.lessons[1]
        journal.journal_save(
            ctx=kit.CTX, author=t.teacher,
            attendance=[journal.AttendanceChange(last_wednesday.pk, first.pk, "Б")],
            topics=[journal.TopicChange(last_wednesday.pk, "Дроби")],
            now=NOW - timedelta(hours=1),
        )  # fmt: skip
        homework_save(
            ctx=kit.CTX, lesson=lesson_on(t, MONDAY), author=t.teacher,
            data=HomeworkInput(text="Задачи 205–207", for_lesson=lesson_on(t, WEDNESDAY),
                               pages="40"),
            now=NOW - timedelta(hours=1),
        )  # fmt: skip


def test_the_daily_digest_reaches_a_real_smtp_server(school_a, smtp_inbox):
    # given a guardian of the first pupil, consented to e-mail, subscribed to the daily digest
    t = term(school_a)
    user = subscribed_family(school_a, [t.students[0]], channels=("web", "email"), sms=False)
    _week_for_digest(t)
    # when the digest is due (20:30 in Moscow) and sent
    ids = services.digests_queue(now=NOW)
    assert len(ids) == 1
    assert services.notification_send(notification_id=ids[0], now=NOW).status == Status.SENT
    # then the SMTP server has it, in plain text and HTML, for this child only
    [(recipients, message)] = smtp_inbox.messages
    assert recipients == ["mama@example.ru"]
    assert message["Subject"].strip() == "Дневник: сводка за 24.11.2026"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Алексеев Иван Сергеевич" in body
        assert "Задачи 205–207" in body  # tomorrow's homework (from the diary's week)
        assert "Проценты" in body  # the unsatisfactory mark's topic (DIA-09)
        assert "Дроби" in body  # the missed lesson's topic (DIA-09)
        assert "Контрольная работа" in body
        for other in t.students[1:]:
            assert other.last_name not in body
    assert "23.11 Математика: 2 (Контрольная работа)" in text
    assert "Пропущенные уроки:\n  18.11 Математика" in text
    # and the unsubscribe link (header and body) works without signing in
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link in text and message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    path = link.split("localhost", 1)[1]
    anonymous = region_client()
    assert anonymous.get(path).status_code == 200
    assert user.diary_subscription.digest == Digest.DAILY  # a GET changes nothing
    assert anonymous.post(path).status_code == 200
    user.diary_subscription.refresh_from_db()
    assert user.diary_subscription.digest == Digest.OFF


def test_a_failing_gateway_is_retried_then_the_sms_goes(school_a, sms_gateway):
    # given a guardian with SMS for marks and a gateway that fails once
    sms_gateway.fail_first = 1
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], channels=("web", "sms"), digest=Digest.OFF,
                      final=False, email="")  # fmt: skip
    with schema_context(school_a.schema_name):
        marks = save_marks(t, {t.students[0]: "5", t.students[1]: "4"})
        [pk] = services.mark_notices_queue(mark_ids=marks, now=NOW)
    # when the task sends it (Celery runs eagerly: the retry follows at once)
    tasks.send_notification_task.delay(pk, now=NOW.isoformat())
    # then the second attempt went through
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert len(sms_gateway.requests) == 2
    request = sms_gateway.requests[-1]
    assert request["auth"] == "Bearer gateway-secret"
    assert request["body"] == {
        "to": "+79140000077",
        "text": "Алексеев И.: Математика 5 (контрольная работа), 23.11",
        "sender": "Otmetka",
        "reference": str(pk),
    }


def test_exponential_backoff_then_failed_after_the_last_attempt(school_a, sms_gateway, settings):
    # given a gateway that is down and three attempts allowed
    settings.NOTIFY_MAX_ATTEMPTS = 3
    sms_gateway.fail_first = 99
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], channels=("web", "sms"), digest=Digest.OFF,
                      final=False, email="")  # fmt: skip
    with schema_context(school_a.schema_name):
        [pk] = services.mark_notices_queue(mark_ids=save_marks(t, {t.students[0]: "5"}), now=NOW)
    # when each attempt is made
    outcomes = [services.notification_send(notification_id=pk, now=NOW) for _ in range(4)]
    # then the waits double, and the third failure is final; nothing is sent after it
    assert [o.retry_in for o in outcomes] == [60, 120, None, None]
    assert [o.status for o in outcomes] == [Status.QUEUED, Status.QUEUED, Status.FAILED,
                                            Status.FAILED]  # fmt: skip
    row = Notification.objects.get(pk=pk)
    assert row.attempts == 3 and len(sms_gateway.requests) == 3
    assert row.last_error == "sms gateway http 503"  # the kind of failure, no number, no text


def test_a_refusal_by_the_gateway_is_final_at_once(school_a, sms_gateway):
    sms_gateway.fail_first, sms_gateway.fail_status = 1, 400
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], channels=("web", "sms"), digest=Digest.OFF,
                      final=False, email="")  # fmt: skip
    with schema_context(school_a.schema_name):
        [pk] = services.mark_notices_queue(mark_ids=save_marks(t, {t.students[0]: "5"}), now=NOW)
    tasks.send_notification_task.delay(pk, now=NOW.isoformat())
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts, row.last_error) == (Status.FAILED, 1, "sms gateway http 400")


def test_logs_of_a_send_carry_no_address_phone_name_or_mark(
    school_a, smtp_inbox, sms_gateway, caplog
):
    # given a guardian subscribed to everything, a gateway failing once, marks and a digest due
    caplog.set_level(logging.DEBUG)
    sms_gateway.fail_first = 1
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]])
    _week_for_digest(t)
    with schema_context(school_a.schema_name):
        sms = services.mark_notices_queue(mark_ids=save_marks(t, {t.students[0]: "4"}), now=NOW)
    digests = services.digests_queue(now=NOW)
    # when everything is sent through the tasks
    for pk in sms + digests:
        tasks.send_notification_task.delay(pk, now=NOW.isoformat())
    # then it went out, and the logs name ids, kinds and counts only
    assert len(smtp_inbox.messages) == 1 and len(sms_gateway.requests) == 2
    assert Notification.objects.filter(status=Status.SENT).count() == 2
    ours = [r for r in caplog.records if r.name != "mail.log"]  # mail.log: the test's server
    logged = "\n".join(r.getMessage() + " " + str(r.args) for r in ours)
    assert "notification" in logged  # something was logged
    secrets = [
        *("mama@example.ru", "+79140000077", "9140000077", "Родителева", "Ольга"),
        *("Алексеев", "Борисов", "Васильев", "Математика", "Проценты", "Задачи 205"),
    ]
    for secret in secrets:
        assert secret not in logged, secret
