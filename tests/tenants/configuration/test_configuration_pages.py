"""The settings pages: every page for staff, refusals for families, teachers (forms) and another
school's staff, and field messages placed next to the input they concern."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration.models import LocalAct, PeriodStructure
from tests.factories import school_client, school_user
from tests.tenants.configuration.test_year_and_periods import make_year, with_holidays

pytestmark = pytest.mark.django_db
PAGES = [
    "/settings/",
    "/settings/year/",
    "/settings/grading/",
    "/settings/grading/new/",
    "/settings/regulation/",
    "/settings/subjects/",
    "/settings/acts/",
    "/settings/template/",
]


def _year(school):
    with schema_context(school.schema_name):
        year = make_year()
        with_holidays(year)
        return year


@pytest.mark.parametrize("path", PAGES)
def test_staff_see_every_page(school_a, path):
    _year(school_a)
    for role in (SchoolRole.SCHOOL_ADMIN, SchoolRole.SUBJECT_TEACHER):
        response = school_client(school_a, role).get(path)
        assert response.status_code == 200, (role, path)


@pytest.mark.parametrize("path", PAGES)
def test_families_and_other_schools_are_refused(school_a, school_b, path):
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert school_client(school_a, role).get(path).status_code == 403
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert other.get(path).status_code == 403
    anonymous = school_client(school_a).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_teachers_may_not_send_forms(school_a, path):
    response = school_client(school_a, SchoolRole.SUBJECT_TEACHER).post(path, {"action": "room"})
    assert response.status_code == 403


def test_a_structure_error_lands_on_its_row(school_a):
    year = _year(school_a)
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    rows = {
        "periods-TOTAL_FORMS": "3",
        "periods-INITIAL_FORMS": "0",
        "periods-0-kind": "half_year",
        "periods-0-name": "1 полугодие",
        "periods-0-start": "2026-09-01",
        "periods-0-end": "2026-12-28",
        "periods-1-kind": "half_year",  # a blank row between: ignored, indexes still right
        "periods-2-kind": "half_year",
        "periods-2-name": "2 полугодие",
        "periods-2-start": "2026-12-01",
        "periods-2-end": "2027-05-26",
    }
    body = {"name": "Полугодия", "grade_from": "10", "grade_to": "11", **rows}
    response = client.post(f"/settings/structures/new/?year={year.pk}", body)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="periods-2-start"' in html and "пересекается" in html
    body["periods-2-start"] = "2027-01-12"
    saved = client.post(f"/settings/structures/new/?year={year.pk}", body)
    assert saved.status_code == 302
    with schema_context(school_a.schema_name):
        assert PeriodStructure.objects.get().periods.count() == 2


def test_regulation_page_refuses_out_of_range_with_the_range(school_a):
    client = school_client(school_a, SchoolRole.DIRECTOR)
    page = client.get("/settings/regulation/").content.decode()
    assert "от 0 до 30 дн." in page and "ежегодно" in page
    response = client.post(
        "/settings/regulation/",
        {
            "effective_from": "2099-01-01",
            "order_number": "1",
            "order_date": "2026-11-20",
            "period_auto_close_days_after_end": "45",
        },
    )
    assert response.status_code == 400
    assert "Допустимо от 0 до 30 дн." in response.content.decode()


def test_acts_upload_and_the_public_list(school_a, s3_storage):
    client = school_client(school_a, SchoolRole.DIRECTOR)
    response = client.post(
        "/settings/acts/",
        {
            "act-title": "Положение об ЭЖ",
            "act-kind": "journal_regulation",
            "act-order_number": "7-од",
            "act-order_date": "2026-08-30",
            "act-is_public": "on",
            "act-file": SimpleUploadedFile("p.pdf", b"%PDF-1.7 test", "application/pdf"),
        },
    )
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        act = LocalAct.objects.get()
    anonymous = school_client(school_a)
    assert "Положение об ЭЖ" not in anonymous.get("/acts/").content.decode()
    assert anonymous.get(f"/acts/{act.pk}/file/").status_code == 404
    client.post("/settings/acts/", {"action": "publish", "act_id": act.pk})
    assert "Положение об ЭЖ" in anonymous.get("/acts/").content.decode()
    assert anonymous.get(f"/acts/{act.pk}/file/").content == b"%PDF-1.7 test"


def test_conversion_editor_parses_lines_and_numbers_its_errors(school_a):
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    with schema_context(school_a.schema_name):
        from tenants.configuration.models import Conversion, GradingSystem

        five = GradingSystem.objects.get(kind="five_point").pk
        pass_fail = GradingSystem.objects.get(kind="pass_fail").pk
    body = {"action": "conversion", "conv-source": five, "conv-target": pass_fail}
    bad = client.post("/settings/grading/", {**body, "conv-rules": "1–3 → незач\n4 → отл"})
    assert bad.status_code == 400
    assert "Строка 2: В шкале «Зачёт / незачёт» нет «отл»." in bad.content.decode()
    garbled = client.post("/settings/grading/", {**body, "conv-rules": "что-то"})
    assert "Строка 1: нужно" in garbled.content.decode()
    good = client.post(
        "/settings/grading/", {**body, "conv-rules": "1–3 → незач\n4 → зач\n5 -> зач"}
    )
    assert good.status_code == 302
    with schema_context(school_a.schema_name):
        rules = Conversion.objects.get(source_id=five, target_id=pass_fail).rules.count()
    assert rules == 3


def test_holidays_that_cover_a_gap_between_periods_stay(school_a):
    from django.core.exceptions import ValidationError

    from otmetka.audit.context import AuditContext
    from tenants.configuration import services
    from tenants.configuration.models import HolidayPeriod
    from tests.tenants.configuration.test_year_and_periods import QUARTERS

    ctx = AuditContext(actor_id=1, actor_role="school_admin", source="api")
    with schema_context(school_a.schema_name):
        year = make_year()
        with_holidays(year)
        extra = services.holiday_create(
            ctx=ctx,
            year=year,
            kind="extra",
            name="Доп.",
            start=QUARTERS[0].start,
            end=QUARTERS[0].start,
        )
        services.period_structure_save(
            ctx=ctx, year=year, name="Ч", grade_from=1, grade_to=9, periods=QUARTERS
        )
        autumn = HolidayPeriod.objects.get(kind="autumn")
        with pytest.raises(ValidationError) as error:
            services.holiday_delete(ctx=ctx, holiday=autumn)
        assert "разрыв" in error.value.message_dict["holiday"][0]
        services.holiday_delete(ctx=ctx, holiday=extra)
        assert HolidayPeriod.objects.count() == 3
    client = school_client(school_a, SchoolRole.DIRECTOR)
    refused = client.delete(f"/api/v1/holidays/{autumn.pk}/")
    assert refused.status_code == 400 and "holiday" in refused.json()["fields"]
