"""A guardian of two children in two schools signs in on the region's host and sees both
diaries: the week with marks, topics and homework, then one child's period summary."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def two_school_family(school_with_admin, committed, run_id):
    first, _ = school_with_admin("diary-a", "Лицей")
    second, _ = school_with_admin("diary-b", "Гимназия")

    def setup():
        from django.contrib.auth.hashers import make_password

        from tests.factories import UserFactory
        from tests.tenants.diary.diary_kit import family, journal_week, term

        a = term(first, names=("Алексеев",))
        b = term(second, names=("Алексеева",))
        journal_week(a)
        journal_week(b)
        user = UserFactory(
            username=f"diary-parent-{run_id}", last_name="Алексеева", first_name="Ольга",
            password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
        )  # fmt: skip
        family(first, a.students, user=user)
        family(second, b.students, user=user)
        return user

    return committed(setup)


def test_a_guardian_sees_the_diaries_of_two_children_in_two_schools(
    page, live_server_url, two_school_family, shots_dir
):
    user = two_school_family
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server_url}/diary/?date=2026-11-16")
    children = page.get_by_test_id("child")
    expect(children).to_have_count(2)
    expect(children.nth(0)).to_contain_text("Алексеев Иван Сергеевич")
    expect(children.nth(1)).to_contain_text("Алексеева Иван Сергеевич")
    for i in (0, 1):
        child = children.nth(i)
        expect(child.get_by_test_id("mark").first).to_have_text("5")
        expect(child).to_contain_text("Дроби")
        expect(child.get_by_test_id("homework").first).to_contain_text("№ 101, 102")
    page.screenshot(path=str(shots_dir / "diary-week-phone.png"), full_page=True)
    page.get_by_test_id("child-tab").nth(1).click()
    expect(page.get_by_test_id("child")).to_have_count(1)
    page.get_by_role("link", name="Итоги периода").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Математика")


@pytest.fixture
def forget_subscription(two_school_family):
    """The page test's subscription is committed by the live server: the notification tests
    that run later in the same session count the subscriptions that are due, so it must not
    outlive the test. Deleted on a connection of its own (this test's is rolled back)."""
    yield
    from django.db import connections

    from otmetka.notifications.models import Notification, Subscription

    own = connections.create_connection("default")
    try:
        with own.cursor() as cursor:
            for model in (Notification, Subscription):
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE user_id = %s",
                    [two_school_family.pk],
                )
    finally:
        own.close()


def test_a_guardian_subscribes_to_the_digest_and_writes_to_a_teacher(
    page, live_server_url, two_school_family, shots_dir, forget_subscription
):
    user = two_school_family
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # the digest, from the diary's header
    page.goto(f"{live_server_url}/diary/?date=2026-11-16")
    page.get_by_test_id("notifications-link").click()
    page.get_by_label("Каждый день в 20:00").check()
    page.get_by_test_id("email").fill("mama@example.ru")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("body")).to_contain_text("Настройки уведомлений сохранены.")
    expect(page.get_by_test_id("email")).to_have_value("mama@example.ru")
    expect(page.get_by_test_id("covered")).to_contain_text("Алексеев Иван Сергеевич")
    page.screenshot(path=str(shots_dir / "diary-notifications-phone.png"), full_page=True)
    # a message to the first child's maths teacher, from the diary's header
    page.goto(f"{live_server_url}/diary/?date=2026-11-16")
    page.get_by_test_id("diary-messages").click()
    page.get_by_test_id("new-message").click()
    page.get_by_test_id("children").get_by_role("link").first.click()
    page.get_by_test_id("recipient").select_option(index=1)
    page.fill("input[name=subject]", "Контрольная")
    page.fill("textarea[name=body]", "Когда будет контрольная по дробям?")
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("body")).to_contain_text("Сообщение отправлено.")
    expect(page.locator("body")).to_contain_text("Когда будет контрольная по дробям?")
    page.goto(f"{live_server_url}/diary/messages/")
    expect(page.get_by_test_id("thread")).to_have_count(1)
    page.screenshot(path=str(shots_dir / "diary-messages-phone.png"), full_page=True)
