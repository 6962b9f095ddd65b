"""Two first saves of one account's subscription at once (a double click): one row, no error.

The saves run in threads, each on its own database connection, on an account committed for this
test (the test's own transaction is invisible to them); what they commit is deleted at the end.
"""

import threading
import time
import uuid

import pytest
from django.db import connections, transaction

from otmetka.accounts.models import User
from otmetka.audit.context import AuditContext
from otmetka.notifications.choices import Digest
from otmetka.notifications.models import Subscription
from otmetka.notifications.services import SubscriptionInput, subscription_save

pytestmark = pytest.mark.django_db


def _in_thread(target) -> threading.Thread:
    def run():
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _committed(fn):
    result = []
    _in_thread(lambda: result.append(fn())).join(30)
    return result[0]


def test_a_second_first_save_waits_for_the_first_and_updates_it():
    user = _committed(lambda: User.objects.create(username=f"double-click-{uuid.uuid4().hex}"))
    first_saved, errors, saved = threading.Event(), [], []

    def save(digest: str, hold: float, then=None):
        def run():
            try:
                with transaction.atomic():
                    subscription_save(
                        ctx=AuditContext.cli(), user=user,
                        data=SubscriptionInput(digest=digest, email="mama@example.ru"),
                    )  # fmt: skip
                    if then:
                        then.set()
                    time.sleep(hold)  # the first save's transaction is still open
                saved.append(digest)
            except BaseException as exc:
                errors.append(exc)
                if then:
                    then.set()

        return run

    try:
        # given a first save whose transaction is still open
        first = _in_thread(save(Digest.DAILY, 1.0, then=first_saved))
        assert first_saved.wait(30)
        # when a second first save comes meanwhile
        second = _in_thread(save(Digest.WEEKLY, 0))
        first.join(30)
        second.join(30)
        # then both succeed, in order, and the account has one subscription: the second's
        assert errors == [] and saved == [Digest.DAILY, Digest.WEEKLY]
        digests = _committed(
            lambda: list(Subscription.objects.filter(user=user).values_list("digest", flat=True))
        )
        assert digests == [Digest.WEEKLY]
    finally:
        _committed(lambda: Subscription.objects.filter(user=user).delete())
