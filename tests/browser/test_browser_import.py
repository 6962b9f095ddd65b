"""A school admin imports a class from a file in a real browser: the check names the bad row and
writes nothing; the corrected file is checked, then loaded by the background worker."""

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.signin import school_sign_in

pytestmark = pytest.mark.django_db

HEADER = ";".join(
    ["класс", "фамилия", "имя", "отчество", "дата рождения"]
    + [f"представитель 1: {c}" for c in ("фамилия", "имя", "кем приходится", "телефон")]
)
ROWS = [
    "5А;Орлов;Олег;Ильич;01.02.2015;Орлова;Ольга;мать;+79140001122",
    "5А;Соколова;Софья;Игоревна;14.06.2015;Соколов;Игорь;отец;+79140001133",
    "5А;Зайцев;Захар;;31.04.2015;Зайцева;Зоя;мать;+79140001144",  # no 31 April
]


@pytest.fixture(scope="session")
def import_school(school_with_admin, committed):
    from datetime import date

    from django_tenants.utils import schema_context

    from otmetka.audit.context import AuditContext
    from tenants.configuration import services

    school, admin = school_with_admin("import", "Школа импорта")

    def year():
        with schema_context(school.schema_name):
            services.academic_year_create(
                ctx=AuditContext.system("tests"),
                name="2026/2027",
                start=date(2026, 9, 1),
                end=date(2027, 8, 31),
                order=services.Order("1-од", date(2026, 8, 28)),
                make_current=True,
            )

    committed(year)
    return school, admin


def test_school_admin_imports_a_class_from_a_file(
    page, live_server_url, import_school, tmp_path, shots_dir
):
    school, admin = import_school
    base = school_sign_in(page, live_server_url, school, admin)
    page.get_by_role("link", name="Обучающиеся и классы").click()
    page.get_by_role("link", name="Импорт из файла").click()

    def check(rows):
        path = tmp_path / "5a.csv"
        path.write_text("\n".join([HEADER, *rows]), encoding="utf-8")
        page.select_option("select[name=kind]", "students")
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=order_number]", "12-у")
        page.fill("input[name=order_date]", "2026-09-01")
        page.fill("input[name=date]", "2026-09-01")
        page.check("input[name=create_classes]")
        page.get_by_role("button", name="Проверить файл").click()

    # the file with a bad date: the report names line 4, nothing is written
    check(ROWS)
    expect(page.get_by_test_id("import-result")).to_contain_text("Ошибок в строках: 1")
    expect(page.locator("tr[data-line='4']")).to_contain_text("дата рождения")
    page.screenshot(path=str(shots_dir / "import-errors.png"), full_page=True)
    page.goto(f"{base}/people/classes/")
    expect(page.get_by_test_id("classes")).to_contain_text("Классов в текущем учебном году нет")

    # the corrected file: checked clean, then loaded
    page.goto(f"{base}/people/import/")
    check([*ROWS[:2], ROWS[2].replace("31.04.2015", "30.04.2015")])
    expect(page.get_by_test_id("import-result")).to_contain_text("Ошибок нет: строк 3")
    page.get_by_role("button", name="Загрузить данные").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("students — 3")
    page.get_by_role("link", name="К списку классов").click()
    expect(page.locator("tr[data-class='5А']")).to_contain_text("3")
    page.locator("tr[data-class='5А'] a").click()
    expect(page.get_by_test_id("students")).to_contain_text("Зайцев Захар")
    expect(page.locator("tr[data-student='Орлов']")).to_contain_text("Орлова О. (мать)")
    page.screenshot(path=str(shots_dir / "class-imported.png"), full_page=True)

    # and prints the credentials letters for the class (the pupils are under 14: their guardians)
    with page.expect_download() as download:
        page.get_by_role("button", name="Выдать доступ и распечатать письма (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")
    (shots_dir / "credentials.pdf").write_bytes(pdf)
    with schema_context(school.schema_name):
        from tenants.people.models import Guardian

        assert Guardian.objects.filter(user_id__isnull=False).count() == 3
