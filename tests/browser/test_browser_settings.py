"""A school admin configures the year through the pages in a real browser: the academic year,
holidays, quarters (with a mistake the page points at), a school-defined grading scale and
where the 10-point scale applies."""

import pytest
from playwright.sync_api import expect

from tests.browser.signin import school_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def configured_school(school_with_admin):
    return school_with_admin("setup", "Школа настройки")


def test_school_admin_configures_periods_and_grading(
    page, live_server_url, configured_school, shots_dir
):
    school, admin = configured_school
    school_sign_in(page, live_server_url, school, admin)

    # from the school's home to its settings: nothing is ready yet
    page.get_by_role("link", name="Настройки школы").click()
    expect(page.locator("[data-item=periods]")).to_contain_text("Не настроено")

    # the academic year, opened by an order
    page.get_by_role("link", name="Учебный год").click()
    page.fill("input[name=year-name]", "2026/2027")
    page.fill("input[name=year-start]", "2026-09-01")
    page.fill("input[name=year-end]", "2027-08-31")
    page.fill("input[name=year-order_number]", "1-од")
    page.fill("input[name=year-order_date]", "2026-08-28")
    page.get_by_role("button", name="Создать учебный год").click()
    expect(page.get_by_role("heading", name="Учебный год 2026/2027")).to_be_visible()

    # the holidays between the quarters
    for kind, name, start, end in [
        ("autumn", "Осенние", "2026-10-26", "2026-11-04"),
        ("winter", "Зимние", "2026-12-29", "2027-01-11"),
        ("spring", "Весенние", "2027-03-22", "2027-03-30"),
    ]:
        page.select_option("select[name=holiday-kind]", kind)
        page.fill("input[name=holiday-name]", name)
        page.fill("input[name=holiday-start]", start)
        page.fill("input[name=holiday-end]", end)
        page.get_by_role("button", name="Добавить каникулы").click()
        expect(page.get_by_test_id("holidays")).to_contain_text(name)

    # quarters for grades 1–9, the second typed to overlap the first
    page.get_by_role("link", name="Добавить структуру").click()
    page.fill("input[name=name]", "Четверти")
    page.fill("input[name=grade_from]", "1")
    page.fill("input[name=grade_to]", "9")
    quarters = [
        ("1 четверть", "2026-09-01", "2026-10-25"),
        ("2 четверть", "2026-10-20", "2026-12-28"),  # the mistake
        ("3 четверть", "2027-01-12", "2027-03-21"),
        ("4 четверть", "2027-03-31", "2027-05-26"),
    ]
    for i, (name, start, end) in enumerate(quarters):
        page.select_option(f"select[name=periods-{i}-kind]", "quarter")
        page.fill(f"input[name=periods-{i}-name]", name)
        page.fill(f"input[name=periods-{i}-start]", start)
        page.fill(f"input[name=periods-{i}-end]", end)
    page.get_by_role("button", name="Сохранить периоды").click()
    # the page names the overlap next to the second quarter's start, and keeps the input
    error = page.locator('.field-error[data-field="periods-1-start"]')
    expect(error).to_contain_text("пересекается с периодом «1 четверть»")
    expect(page.locator("input[name=periods-3-name]")).to_have_value("4 четверть")
    page.screenshot(path=str(shots_dir / "periods-error.png"), full_page=True)
    page.fill("input[name=periods-1-start]", "2026-11-05")
    page.get_by_role("button", name="Сохранить периоды").click()
    structures = page.get_by_test_id("structures")
    expect(structures).to_contain_text("Четверти: 1–9 классы")
    expect(structures.locator("tr[data-period='2 четверть']")).to_contain_text("05.11.2026")
    page.screenshot(path=str(shots_dir / "year.png"), full_page=True)

    # a school-defined scale: values from the lowest, the first one not passing
    page.get_by_role("link", name="Оценивание").click()
    page.get_by_role("link", name="Своя шкала").click()
    page.fill("input[name=name]", "Уровни освоения")
    for i, (code, label, passes) in enumerate(
        [("Н", "низкий", False), ("Б", "базовый", True), ("П", "повышенный", True)]
    ):
        page.fill(f"input[name=values-{i}-code]", code)
        page.fill(f"input[name=values-{i}-label]", label)
        if passes:
            page.check(f"input[name=values-{i}-passes]")
    page.get_by_role("button", name="Создать шкалу").click()
    expect(page.locator("tr[data-system='Уровни освоения']")).to_contain_text("Н, Б, П")

    # the 10-point scale for grades 5–11
    page.select_option("select[name=assign-system]", label="Десятибалльная")
    page.fill("input[name=assign-grade_from]", "5")
    page.fill("input[name=assign-grade_to]", "11")
    page.get_by_role("button", name="Назначить").click()
    expect(page.get_by_test_id("assignments")).to_contain_text("Десятибалльная")
    expect(page.get_by_test_id("assignments")).to_contain_text("5–11")
    page.screenshot(path=str(shots_dir / "grading.png"), full_page=True)

    # and the checklist counts the periods as done
    page.get_by_role("link", name="Готовность").click()
    expect(page.locator("[data-item=periods]")).to_contain_text("Готово")
    expect(page.locator("[data-item=holidays]")).to_contain_text("Готово")
