"""A teacher keeps the journal in a real browser with the keyboard: types marks and an absence
into the grid, moves with the arrow keys, saves with Ctrl+S, and sees it all after a reload."""

import re

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.signin import school_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def journal_school(school_with_admin, committed, run_id):
    school, _ = school_with_admin("journal", "Школа журнала")

    def setup():
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from otmetka.accounts.roles import SchoolRole
        from tenants.configuration.models import Period, WorkType
        from tenants.journal import services
        from tenants.timetable.lessons import lessons_make
        from tenants.timetable.models import Lesson
        from tests.factories import PASSWORD, school_user
        from tests.tenants.people import kit
        from tests.tenants.timetable.test_lessons import _entry, _school

        user = school_user(
            school, SchoolRole.SUBJECT_TEACHER, username=f"journal-teacher-{run_id}",
            password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
        )  # fmt: skip
        with schema_context(school.schema_name):
            year, _, five_a = _school(moved_day_off=False)
            teacher = kit.staff("Журналова", user=user)
            kit.teach(teacher, five_a)
            _entry(teacher, five_a, 1)
            lessons_make(ctx=kit.CTX, year=year)
            for name in ("Алексеев", "Борисов", "Васильев"):
                kit.enrol(five_a, name)
            # the first lesson of the current period gets an oral-answer column
            period = Period.objects.filter(
                structure__year=year,
                start__lte=timezone.localdate(),
                end__gte=timezone.localdate(),
            ).first()
            lesson = (
                Lesson.objects.filter(school_class=five_a, date__gte=period.start)
                .order_by("date")
                .first()
            )
            services.task_add(
                ctx=kit.CTX, lesson=lesson, work_type=WorkType.objects.get(code="oral"),
                author=teacher,
            )  # fmt: skip
        return user

    return school, committed(setup)


def test_teacher_enters_marks_and_attendance_with_the_keyboard(
    page, live_server_url, journal_school, shots_dir, committed
):
    school, teacher = journal_school
    school_sign_in(page, live_server_url, school, teacher)
    page.get_by_role("link", name="Журнал").first.click()
    page.get_by_test_id("journals").get_by_role("link", name="5А").click()
    grid = page.get_by_test_id("journal-grid")
    expect(grid).to_contain_text("Алексеев И.С.")

    # row 0: the first lesson's attendance is col 0, its oral-answer column col 1
    page.locator('input.cell[data-row="0"][data-col="1"]').click()
    page.keyboard.type("5")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("4")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")  # Васильев's attendance at that lesson
    page.keyboard.type("н")
    expect(page.get_by_test_id("journal-status")).to_contain_text("Не сохранено: 3")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("journal-status")).to_contain_text("Сохранено: 3")

    # a value outside the scale is refused and shown on its cell
    page.locator('input.cell[data-row="2"][data-col="1"]').fill("7")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator('input.cell[data-row="2"][data-col="1"]')).to_have_class(
        re.compile(r"\berror\b")
    )

    page.reload()
    expect(page.locator('input.cell[data-row="0"][data-col="1"]')).to_have_value("5")
    expect(page.locator('input.cell[data-row="1"][data-col="1"]')).to_have_value("4")
    expect(page.locator('input.cell[data-row="2"][data-col="0"]')).to_have_value("Н")
    expect(page.locator('input.cell[data-row="2"][data-col="1"]')).to_have_value("")
    expect(page.get_by_test_id("average").first).to_have_text("5.00")

    # the period mark: refused with the date the window opens, or saved once it is open
    def window_open():
        from django.utils import timezone

        from tenants.configuration.models import Period
        from tenants.journal.period_marks import window

        with schema_context(school.schema_name):
            today = timezone.localdate()
            period = Period.objects.filter(start__lte=today, end__gte=today).first()
            return window(period).opens <= today

    final = page.locator('[data-testid="period-mark"] input').first
    final.fill("5")
    page.get_by_role("button", name="Сохранить").click()
    status = page.get_by_test_id("journal-status")
    if committed(window_open):
        expect(status).to_contain_text("Сохранено отметок за период: 1")
    else:
        expect(status).to_contain_text("Окно выставления откроется")
        expect(final).to_have_class(re.compile(r"\berror\b"))
    page.screenshot(path=str(shots_dir / "journal-grid.png"), full_page=True)
