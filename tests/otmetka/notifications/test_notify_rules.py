"""Who gets what, and when (DIA-06, N-16): quiet hours in the school's zone, the consent's
channels, marks removed or invalidated before sending, the digest's schedule and idempotence,
the journal's hooks, and the bounded queries of the marks task."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from otmetka.audit.context import AuditContext
from otmetka.notifications import services
from otmetka.notifications.choices import Channel, Digest, Kind, Status
from otmetka.notifications.models import Notification, Subscription
from tenants.configuration.models import Period
from tenants.journal import period_marks as pm
from tenants.journal import services as journal
from tenants.journal.models import Mark
from tenants.people import consents
from tenants.people.models import Consent
from tests.otmetka.notifications.notify_kit import NOW, save_marks, subscribed_family
from tests.tenants.diary.diary_kit import term
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
KAMCHATKA = zoneinfo.ZoneInfo("Asia/Kamchatka")


def at(zone, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


# --- quiet hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "until"),
    [
        (21, 59, None),
        (22, 0, (25, 7)),
        (23, 30, (25, 7)),
        (0, 0, (24, 7)),
        (6, 59, (24, 7)),
        (7, 0, None),
        (12, 0, None),
    ],
)
def test_quiet_hours_are_22_to_7_local(hour, minute, until):
    now = at(MOSCOW, date(2026, 11, 24), hour, minute)
    expected = at(MOSCOW, date(2026, 11, until[0]), until[1]) if until else None
    assert services.quiet_until(now, MOSCOW) == expected


def test_an_sms_in_the_schools_night_waits_for_its_morning(school_b, sms_gateway):
    # given school B in Kamchatka, where NOW (17:30 UTC) is 05:30 on Wednesday
    t = term(school_b, names=("Гусев", "Дроздов"))
    subscribed_family(school_b, [t.students[0]], channels=("web", "sms"), digest=Digest.OFF,
                      final=False, email="")  # fmt: skip
    with schema_context(school_b.schema_name):
        marks = save_marks(t, {t.students[0]: "5"})
        # when the marks' SMS is queued
        assert services.mark_notices_queue(mark_ids=marks, now=NOW) == []  # none to send now
    # then it is held until 07:00 there, not dropped
    row = Notification.objects.get()
    morning = at(KAMCHATKA, date(2026, 11, 25), 7)
    assert (row.status, row.due_at) == (Status.HELD, morning)
    assert services.notification_send(notification_id=row.pk, now=NOW).status == Status.HELD
    assert services.held_release(now=morning - timedelta(minutes=1)) == []
    assert sms_gateway.requests == []
    # and at 07:00 it is released and sent
    assert services.held_release(now=morning) == [row.pk]
    assert services.notification_send(notification_id=row.pk, now=morning).status == Status.SENT
    assert sms_gateway.requests[0]["body"]["text"].startswith("Гусев И.: Математика 5")


def test_a_retry_that_falls_into_the_night_is_held_too(school_a, sms_gateway):
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], channels=("web", "sms"), digest=Digest.OFF,
                      final=False, email="")  # fmt: skip
    with schema_context(school_a.schema_name):
        [pk] = services.mark_notices_queue(mark_ids=save_marks(t, {t.students[0]: "5"}), now=NOW)
    night = at(MOSCOW, date(2026, 11, 24), 23)
    assert services.notification_send(notification_id=pk, now=night).status == Status.HELD
    row = Notification.objects.get(pk=pk)
    assert row.due_at == at(MOSCOW, date(2026, 11, 25), 7) and row.attempts == 0


# --- consent channels and what is left to send ------------------------------------------------


def test_email_only_consent_gets_the_digest_and_no_sms(school_a):
    # given two guardians subscribed to everything: one consented to e-mail only, one to SMS only
    t = term(school_a)
    by_email = subscribed_family(school_a, [t.students[0]], channels=("web", "email"))
    by_sms = subscribed_family(school_a, [t.students[1]], channels=("web", "sms"),
                               email="papa@example.ru", phone="+79140000099")  # fmt: skip
    with schema_context(school_a.schema_name):
        marks = save_marks(t, {t.students[0]: "5", t.students[1]: "4"})
        # when the marks' SMS are queued
        services.mark_notices_queue(mark_ids=marks, now=NOW)
    # then only the SMS-consented guardian gets one
    sms = Notification.objects.filter(kind=Kind.MARK)
    assert [(n.user_id, n.student_id) for n in sms] == [(by_sms.pk, t.students[1].pk)]
    # and the digest goes to the e-mail-consented one only (the other's has nobody to tell of)
    digests = services.digests_queue(now=NOW)
    assert len(digests) == 2
    outcomes = {
        Notification.objects.get(pk=pk).user_id: services.notification_send(
            notification_id=pk, now=NOW
        ).status
        for pk in digests
    }
    assert outcomes == {by_email.pk: Status.SENT, by_sms.pk: Status.CANCELLED}


def test_a_withdrawn_consent_gets_nothing(school_a):
    # given a guardian consented to every channel, who withdraws
    t = term(school_a)
    user = subscribed_family(school_a, [t.students[0]])
    with schema_context(school_a.schema_name):
        consent = Consent.objects.get(student=t.students[0])
        consents.consent_withdraw(ctx=kit.CTX, consent=consent, reason="Заявление об отзыве")
        marks = save_marks(t, {t.students[0]: "5"})
        # when marks are saved
        services.mark_notices_queue(mark_ids=marks, now=NOW)
    # then no SMS is queued, and the digest has nobody to tell of
    assert not Notification.objects.filter(kind=Kind.MARK).exists()
    [digest] = services.digests_queue(now=NOW)
    assert services.notification_send(notification_id=digest, now=NOW).status == Status.CANCELLED
    assert Notification.objects.get(pk=digest).user_id == user.pk


def test_a_consent_withdrawn_overnight_stops_the_held_sms(school_a, sms_gateway):
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]])
    night = at(MOSCOW, date(2026, 11, 24), 23)
    with schema_context(school_a.schema_name):
        services.mark_notices_queue(mark_ids=save_marks(t, {t.students[0]: "5"}), now=night)
        consents.consent_withdraw(
            ctx=kit.CTX, consent=Consent.objects.get(student=t.students[0]), reason="Отзыв"
        )
    row = Notification.objects.get(status=Status.HELD)
    morning = at(MOSCOW, date(2026, 11, 25), 7)
    services.held_release(now=morning)
    assert services.notification_send(notification_id=row.pk, now=morning).status == "cancelled"
    assert sms_gateway.requests == []


def test_marks_removed_or_invalidated_before_sending_are_not_sent(school_a, sms_gateway):
    # given an SMS held overnight for two marks of the same child (two tasks, one save each)
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], digest=Digest.OFF, final=False, email="")
    night = at(MOSCOW, date(2026, 11, 24), 23)
    with schema_context(school_a.schema_name):
        first = save_marks(t, {t.students[0]: "5"})
        second = save_marks(t, {t.students[0]: "3"}, code="oral")
        services.mark_notices_queue(mark_ids=first, now=night)
        services.mark_notices_queue(mark_ids=second, now=night)
        # when one mark is removed by the teacher and the other invalidated (AUD-06)
        mark = Mark.objects.get(pk=first[0])
        journal.journal_save(
            ctx=kit.CTX, author=t.teacher, now=night,
            marks=[journal.MarkChange(mark.task_id, mark.student_id, "", version=mark.version,
                                      reason="Ошибка")],
        )  # fmt: skip
        Mark.objects.filter(pk=second[0]).update(invalidated_at=timezone.now())
    morning = at(MOSCOW, date(2026, 11, 25), 7)
    released = services.held_release(now=morning)
    # then neither is sent
    assert len(released) == 2
    for pk in released:
        assert services.notification_send(notification_id=pk, now=morning).status == "cancelled"
    assert sms_gateway.requests == []
    with schema_context(school_a.schema_name):  # and an invalidated mark is not even queued
        assert services.mark_notices_queue(mark_ids=second, now=morning) == []


def test_unsubscribed_before_sending_means_not_sent(school_a):
    t = term(school_a)
    user = subscribed_family(school_a, [t.students[0]])
    [digest] = services.digests_queue(now=NOW)
    services.subscription_unsubscribe(ctx=AuditContext.system("t"), user_id=user.pk)
    assert services.notification_send(notification_id=digest, now=NOW).status == "cancelled"


# --- the digest's schedule --------------------------------------------------------------------


def test_the_daily_digest_is_due_at_20_local_and_queued_once(school_a):
    # given a subscription made on Tuesday morning (Moscow)
    t = term(school_a)
    tuesday = date(2026, 11, 24)
    user = subscribed_family(school_a, [t.students[0]], now=at(MOSCOW, tuesday, 9))
    # then nothing before 20:00, one digest at 20:00, none more that day, one the next day
    assert services.digests_queue(now=at(MOSCOW, tuesday, 19, 59)) == []
    first = services.digests_queue(now=at(MOSCOW, tuesday, 20))
    assert len(first) == 1
    assert services.digests_queue(now=at(MOSCOW, tuesday, 20, 15)) == []
    assert services.digests_queue(now=at(MOSCOW, tuesday, 23, 59)) == []
    second = services.digests_queue(now=at(MOSCOW, tuesday + timedelta(days=1), 20, 5))
    assert len(second) == 1
    rows = Notification.objects.filter(kind=Kind.DIGEST, user=user).order_by("pk")
    assert [r.payload["on"] for r in rows] == ["2026-11-24", "2026-11-25"]
    # and the second covers what came after the first, without a gap
    since, until = rows[1].payload["since"], rows[0].payload["until"]
    assert datetime.fromisoformat(since) == datetime.fromisoformat(until)


def test_a_missed_run_still_sends_one_digest_not_several(school_a):
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], now=at(MOSCOW, date(2026, 11, 20), 9))
    # the beat was down from Friday to Tuesday night: one digest, for the latest 20:00
    assert len(services.digests_queue(now=at(MOSCOW, date(2026, 11, 24), 21))) == 1
    assert services.digests_queue(now=at(MOSCOW, date(2026, 11, 24), 21, 15)) == []
    assert Notification.objects.get(kind=Kind.DIGEST).payload["on"] == "2026-11-24"


def test_the_weekly_digest_comes_on_its_weekday_only(school_a):
    t = term(school_a)
    user = subscribed_family(
        school_a, [t.students[0]], digest=Digest.WEEKLY, now=at(MOSCOW, date(2026, 11, 23), 9)
    )  # Monday; weekday 1: Tuesday
    assert services.digests_queue(now=at(MOSCOW, date(2026, 11, 23), 20, 30)) == []  # Monday
    assert len(services.digests_queue(now=at(MOSCOW, date(2026, 11, 24), 20, 30))) == 1
    for day in range(25, 31):  # Wednesday to Monday
        assert services.digests_queue(now=at(MOSCOW, date(2026, 11, day), 20, 30)) == []
    assert len(services.digests_queue(now=at(MOSCOW, date(2026, 12, 1), 20, 30))) == 1
    assert Notification.objects.filter(user=user).count() == 2


def test_the_digest_follows_the_accounts_time_zone(school_b):
    # a family of school B (Kamchatka, UTC+12): 20:00 there is 08:00 UTC
    t = term(school_b, names=("Гусев",))
    user = subscribed_family(school_b, [t.students[0]], now=at(KAMCHATKA, date(2026, 11, 24), 9))
    assert Subscription.objects.get(user=user).time_zone == "Asia/Kamchatka"
    assert services.digests_queue(now=datetime(2026, 11, 24, 7, 59, tzinfo=UTC)) == []
    assert len(services.digests_queue(now=datetime(2026, 11, 24, 8, 0, tzinfo=UTC))) == 1


def test_the_digest_task_is_safe_to_run_twice(school_a):
    t = term(school_a)
    subscribed_family(school_a, [t.students[0]], now=at(MOSCOW, date(2026, 11, 24), 9))
    now = at(MOSCOW, date(2026, 11, 24), 20, 1)
    due = services.digests_due(now)
    assert len(due) == 1
    # two runs that both found the subscription due: the second claims nothing
    assert services._digest_claim(due[0], now) is not None
    assert services._digest_claim(due[0], now) is None
    assert Notification.objects.filter(kind=Kind.DIGEST).count() == 1


# --- the journal's hooks ----------------------------------------------------------------------


def test_a_journal_save_queues_one_sms_per_guardian_per_child(
    school_a, django_capture_on_commit_callbacks
):
    # given a mother of two pupils and a father of the first, both with SMS
    t = term(school_a)
    first, second, third = t.students
    mother = subscribed_family(school_a, [first, second])
    father = subscribed_family(school_a, [first], email="papa@example.ru", phone="+79140000099")
    with schema_context(school_a.schema_name):
        # when one save gives the pupils marks (and commits: the hook's task runs eagerly)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            marks = save_marks(t, {first: "5", second: "4", third: "3"})
        assert len(callbacks) >= 1
        # and a change of a mark afterwards (not a new one) sends nothing more
        mark = Mark.objects.get(pk=marks[0])
        with django_capture_on_commit_callbacks(execute=True):
            journal.journal_save(
                ctx=kit.CTX, author=t.teacher, now=NOW,
                marks=[journal.MarkChange(mark.task_id, mark.student_id, "4", version=1,
                                          reason="Пересчёт")],
            )  # fmt: skip
    # then one SMS per guardian per child of that save
    rows = Notification.objects.filter(kind=Kind.MARK, channel=Channel.SMS)
    assert sorted((r.user_id, r.student_id) for r in rows) == sorted(
        [(mother.pk, first.pk), (mother.pk, second.pk), (father.pk, first.pk)]
    )
    now = timezone.now()
    expected = Status.HELD if services.quiet_until(now, MOSCOW) else Status.SENT  # log transport
    assert {r.status for r in rows} == {expected}
    assert all(r.schema == school_a.schema_name for r in rows)


def test_period_marks_send_an_email_and_an_sms_at_once(
    school_a, smtp_inbox, django_capture_on_commit_callbacks
):
    # given a guardian who asked for period-mark e-mails, consented to e-mail but not to SMS
    t = term(school_a)
    user = subscribed_family(school_a, [t.students[0]], channels=("web", "email"))
    with schema_context(school_a.schema_name):
        period = Period.objects.get(name="1 четверть")
        # when the teacher saves the quarter's marks in the window
        with django_capture_on_commit_callbacks(execute=True):
            pm.period_marks_save(
                ctx=kit.CTX, author=t.teacher, school_class=t.school_class, group=None,
                subject=kit.maths(), period=period,
                changes=[pm.PeriodMarkChange(s.pk, value="4") for s in t.students],
                now=at(MOSCOW, date(2026, 10, 23), 12),
            )  # fmt: skip
    # then the e-mail went at once, about this child only; no SMS without the SMS consent
    rows = Notification.objects.filter(kind=Kind.FINAL_MARK)
    assert [(r.user_id, r.channel, r.status) for r in rows] == [
        (user.pk, Channel.EMAIL, Status.SENT)
    ]
    [(_, message)] = smtp_inbox.messages
    text = message.get_body(("plain",)).get_content()
    assert "Математика, 1 четверть: 4" in text and "Алексеев Иван" in text
    assert "Борисов" not in text and "Васильев" not in text


# --- bounded queries ---------------------------------------------------------------------------


def _queue_queries(t, students) -> int:
    marks = save_marks(t, dict.fromkeys(students, "5"), code="oral")
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        queued = services.mark_notices_queue(mark_ids=marks, now=NOW)
    assert len(queued) == len(students)
    return len(queries)


def test_the_marks_task_runs_a_fixed_number_of_queries(school_a):
    # given a guardian per pupil, each subscribed to SMS
    t = term(school_a, names=("Алексеев", "Борисов", "Васильев", "Григорьев", "Дмитриев"))
    for i, student in enumerate(t.students):
        subscribed_family(school_a, [student], phone=f"+7914000010{i}")
    with schema_context(school_a.schema_name):
        # when a save has one pupil's mark, then one with five pupils' marks
        few = _queue_queries(t, t.students[:1])
        many = _queue_queries(t, t.students)
    # then the queries are the same in number
    assert few == many <= 6, (few, many)


def test_finished_outbox_rows_are_deleted_after_90_days():
    # given a sent, a failed and a queued row from 91 days ago, and a sent one from yesterday
    from django.utils import timezone

    from otmetka.notifications.choices import Channel, Kind, Status
    from otmetka.notifications.models import Notification
    from otmetka.notifications.tasks import expire_outbox_task
    from tests.factories import UserFactory

    user, now = UserFactory(), timezone.now()
    rows = {}
    for name, status, age in (
        ("old_sent", Status.SENT, 91), ("old_failed", Status.FAILED, 91),
        ("old_queued", Status.QUEUED, 91), ("new_sent", Status.SENT, 1),
    ):  # fmt: skip
        row = Notification.objects.create(
            kind=Kind.MARK, channel=Channel.SMS, user=user, address="+79140000077",
            status=status, due_at=now, dedupe_key=f"expire-test-{name}",
        )  # fmt: skip
        Notification.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=age))
        rows[name] = row.pk
    # when the beat job runs
    deleted = expire_outbox_task()
    # then only the old finished rows are gone; a row still to send stays
    left = set(Notification.objects.filter(user=user).values_list("pk", flat=True))
    assert deleted == 2
    assert left == {rows["old_queued"], rows["new_sent"]}
