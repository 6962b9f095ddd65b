"""A family with consents per channel and its own subscription, for the notification tests
(the real SMTP server and SMS gateway on loopback are fixtures in `conftest.py`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from otmetka.audit.context import AuditContext
from otmetka.notifications import services
from otmetka.notifications.choices import Digest
from tenants.configuration.models import WorkType
from tenants.journal import services as journal
from tenants.timetable.models import Lesson
from tests.tenants.diary.diary_kit import family
from tests.tenants.people import kit

CTX = AuditContext(actor_id=None, actor_role="guardian", source="api")
# Tuesday 24 November 2026, 20:30 in Moscow (school A); 05:30 on Wednesday in Kamchatka (B)
NOW = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)


def subscribed_family(
    school, children, *, channels=("web", "email", "sms"), user=None, email="mama@example.ru",
    phone="+79140000077", digest=Digest.DAILY, sms=True, final=True, now=None,
):  # fmt: skip
    """A guardian of `children` with consents naming `channels`, subscribed to what is asked."""
    user = family(school, children, user=user, channels=channels)
    services.subscription_save(
        ctx=CTX, user=user, now=now or NOW.replace(day=20),
        data=services.SubscriptionInput(
            digest=digest, digest_weekday=1, sms_marks=sms, final_marks=final,
            email=email, phone=phone,
        ),
    )  # fmt: skip
    return user


MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)


def lesson_on(t, day: date) -> Lesson:
    return Lesson.objects.get(school_class=t.school_class, date=day)


def save_marks(t, values: dict, *, day=MONDAY, code="control", topic="", now=None) -> list[int]:
    """A task of `code` at the class's lesson on `day` and marks for it (in the school's schema);
    returns the ids of the marks saved. The journal's hook only enqueues once the transaction
    commits, which a test's transaction never does unless it runs the callbacks."""
    lesson = lesson_on(t, day)
    task = journal.task_add(
        ctx=kit.CTX, lesson=lesson, work_type=WorkType.objects.get(code=code), author=t.teacher
    )
    result = journal.journal_save(
        ctx=kit.CTX, author=t.teacher,
        marks=[journal.MarkChange(task.pk, s.pk, v) for s, v in values.items()],
        topics=[journal.TopicChange(lesson.pk, topic)] if topic else [],
        now=now or NOW - timedelta(hours=1),
    )  # fmt: skip
    return [m.pk for m in result.marks]
