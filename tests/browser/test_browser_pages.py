"""A person in a real browser: signing in and out, the ministry creating and suspending a
school, the new school's admin signing in on the school's own host."""

import re

import pytest
from playwright.sync_api import expect

from otmetka.accounts.roles import RegionRole
from otmetka.region.validators import inn_with_checksum
from tests.factories import PASSWORD, region_user, school_create

# The mark makes pytest-django create the test database. Everything the server must see is made
# by session fixtures through `committed`, before any test transaction opens.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def officer(committed, run_id):
    from django.contrib.auth.hashers import make_password

    # the server runs the production settings: hash with their hasher, not the tests' fast one
    return committed(
        region_user,
        RegionRole.MINISTRY_OFFICER,
        username=f"officer-{run_id}",
        last_name="Иванова",
        first_name="Мария",
        password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
    )


def sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Войти").click()


def test_sign_in_and_out(page, live_server_url, officer):
    # given the login page
    # when the wrong password is typed
    sign_in(page, live_server_url, officer.username, "not-the-password")
    # then one clear message, and no session
    expect(page.get_by_role("alert")).to_have_text("Неверный логин или пароль.")
    # when the right one is typed
    sign_in(page, live_server_url, officer.username, PASSWORD)
    # then the home page shows the officer's name and what they can do
    expect(page.get_by_test_id("current-user")).to_contain_text("Иванова Мария")
    expect(page.get_by_text("Школы региона")).to_be_visible()
    # when they sign out
    page.get_by_role("button", name="Выйти").click()
    # then they are back at the login page, signed out
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_ministry_creates_a_school_and_its_admin_signs_in(
    page, browser, live_server_url, officer, run_id, shots_dir
):
    slug = f"browser-{run_id}"
    sign_in(page, live_server_url, officer.username, PASSWORD)
    # when the officer opens the schools and fills in the form with a wrong INN first
    page.get_by_text("Школы региона").click()
    page.get_by_role("link", name="Подключить школу").click()
    page.fill("input[name=short_name]", f"Школа {run_id}")
    page.fill("input[name=full_name]", f"МБОУ «Школа {run_id}»")
    page.fill("input[name=slug]", slug)
    page.fill("input[name=inn]", "1234567890")
    page.select_option("select[name=municipality]", index=1)
    page.select_option("select[name=time_zone]", "Asia/Kamchatka")
    page.fill("input[name=admin_username]", f"admin-{slug}")
    page.fill("input[name=admin_last_name]", "Сидорова")
    page.get_by_role("button", name="Подключить").click()
    # then the form says what is wrong with the INN and nothing is created
    expect(page.locator('.field-error[data-field="inn"]')).to_be_visible()
    # when the INN is corrected
    page.fill("input[name=inn]", inn_with_checksum(f"41{int(run_id, 16) % 10**7:07d}"))
    page.get_by_role("button", name="Подключить").click()
    # then the school is created with a one-time password for its admin
    expect(page.get_by_role("heading", name="Школа подключена")).to_be_visible()
    school_url = page.get_by_test_id("school-url").inner_text()
    password = page.get_by_test_id("admin-password").inner_text()
    assert school_url.startswith(f"http://{slug}.localhost:")
    page.screenshot(path=str(shots_dir / "school-created.png"), full_page=True)

    # when the new admin opens the school's own host and signs in there
    context = browser.new_context(locale="ru-RU")
    school_page = context.new_page()
    school_page.goto(school_url)
    expect(school_page).to_have_url(re.compile(r"/accounts/login/"))
    school_page.fill("input[name=username]", f"admin-{slug}")
    school_page.fill("input[name=password]", password)
    school_page.get_by_role("button", name="Войти").click()
    # then, at the first sign-in, the no-sharing rule comes first (PDN-08)
    expect(school_page.get_by_role("heading", name="Правила пользования")).to_be_visible()
    school_page.check("input[name=accept_rules]")
    school_page.get_by_role("button", name="Продолжить").click()
    # then the school's home page greets them as its admin
    expect(school_page.get_by_role("heading", name=f"Школа {run_id}")).to_be_visible()
    expect(school_page.get_by_text("Администратор ЭЖ")).to_be_visible()
    school_page.screenshot(path=str(shots_dir / "school-home.png"), full_page=True)
    context.close()

    # and the ministry's list shows it working
    page.goto(f"{live_server_url}/ministry/schools/")
    expect(page.locator(f"tr[data-slug='{slug}']")).to_contain_text("Работает")


@pytest.fixture(scope="session")
def school_to_suspend(committed, run_id):
    return committed(school_create, f"suspend-{run_id}", short_name=f"Приостанавливаемая {run_id}")


def test_ministry_suspends_a_school(page, live_server_url, officer, school_to_suspend, run_id):
    slug = school_to_suspend.slug
    sign_in(page, live_server_url, officer.username, PASSWORD)
    page.goto(f"{live_server_url}/ministry/schools/")
    row = page.locator(f"tr[data-slug='{slug}']")
    row.locator("form[action$='/suspend/'] input[name=reason]").fill("Приказ № 12 от 20.11.2026")
    row.get_by_role("button", name="Приостановить").click()
    expect(
        page.get_by_text(f"Работа школы «Приостанавливаемая {run_id}» приостановлена.")
    ).to_be_visible()
    expect(page.locator(f"tr[data-slug='{slug}']")).to_contain_text("Приостановлена")
    # the school's host now answers "suspended"
    port = live_server_url.rsplit(":", 1)[1]
    response = page.goto(f"http://{slug}.localhost:{port}/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Работа школы приостановлена")).to_be_visible()
