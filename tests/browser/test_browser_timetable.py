"""A school admin edits the timetable in a real browser: puts a lesson into an empty cell of a
class's week, sees a clash refused with the clash named, then registers a substitution for that
lesson on the substitutions board."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.signin import school_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def timetable_school(school_with_admin, committed):
    school, admin = school_with_admin("timetable", "Школа расписания")

    def week():
        from tenants.timetable.lessons import lessons_make
        from tests.tenants.people import kit
        from tests.tenants.timetable.test_lessons import _entry, _school

        with schema_context(school.schema_name):
            year, teacher, five_a = _school(moved_day_off=False)  # 5А, maths by Датова
            five_b = kit.school_class(letter="Б")
            kit.teach(teacher, five_b)
            _entry(teacher, five_b, 2, number=2)  # Датова is busy on Tuesdays, 2nd lesson, in 5Б
            _entry(teacher, five_a, 1)
            lessons_make(ctx=kit.CTX, year=year)
            kit.staff("Заменова")
            return five_a.pk

    return school, admin, committed(week)


def test_admin_edits_a_cell_and_registers_a_substitution(
    page, live_server_url, timetable_school, committed, shots_dir
):
    school, admin, five_a = timetable_school
    base = school_sign_in(page, live_server_url, school, admin)
    page.get_by_role("link", name="Расписание").first.click()
    expect(page.get_by_role("heading", name="Расписание уроков: 5А")).to_be_visible()
    expect(page.locator('[data-cell="1-1"]')).to_contain_text("Мат.")

    # Tuesday, 2nd lesson: Датова is in 5Б then, so the page names the clash
    page.get_by_label("Изменить: 2, 2").click()
    page.select_option("select[name=subject]", label="Математика")
    page.select_option("select[name=teacher]", label="Датова А.П.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".field-error[data-field=teacher]")).to_contain_text("вторник, 2-й урок")
    expect(page.locator(".field-error[data-field=teacher]")).to_contain_text("5Б")

    # Tuesday, 3rd lesson is free: the lesson goes in and shows in the grid
    page.goto(f"{base}/timetable/?kind=class&id={five_a}")
    page.get_by_label("Изменить: 2, 3").click()
    page.select_option("select[name=subject]", label="Математика")
    page.select_option("select[name=teacher]", label="Датова А.П.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator('[data-cell="2-3"]')).to_contain_text("Мат.")
    expect(page.locator('[data-cell="2-3"]')).to_contain_text("Датова")
    page.screenshot(path=str(shots_dir / "timetable-grid.png"), full_page=True)

    def next_lesson():
        from django.utils import timezone

        from tenants.timetable.models import Lesson

        with schema_context(school.schema_name):
            lesson = (
                Lesson.objects.filter(
                    school_class_id=five_a, number=3, date__gte=timezone.localdate()
                )
                .order_by("date")
                .first()
            )
            return lesson.date, lesson.pk

    day, lesson = committed(next_lesson)  # the new entry's lessons were made from today on
    page.get_by_role("link", name="Замены").click()
    page.fill("input[name=date]", day.isoformat())
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("substitutions")).to_contain_text("замен и переносов нет")
    page.select_option("select[name=lesson]", str(lesson))
    page.select_option("select[name=substitute]", label="Заменова А.П.")
    page.fill("input[name=reason]", "больничный лист")
    page.get_by_role("button", name="Зарегистрировать").click()
    row = page.locator(f'[data-lesson="{lesson}"]')
    expect(row).to_contain_text("Заменова А.П.")
    expect(row).to_contain_text("больничный лист")
    page.screenshot(path=str(shots_dir / "substitutions.png"), full_page=True)
