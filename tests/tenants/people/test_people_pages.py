"""People pages: who may open them, what they show, the import flow with its error report."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.people.models import Student
from tests.factories import school_client, school_user
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
PAGES = ["/people/", "/people/classes/", "/people/staff/", "/people/import/", "/people/consents/"]
CSV_HEADER = ";".join(
    ["класс", "фамилия", "имя", "отчество", "дата рождения"]
    + [f"представитель 1: {c}" for c in ("фамилия", "имя", "кем приходится", "телефон")]
)


@pytest.mark.parametrize("path", PAGES)
def test_refusals(school_a, school_b, path):
    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert school_client(school_a, role).get(path).status_code == 403
    other = school_client(school_b)
    other.force_login(school_user(school_a, SchoolRole.DIRECTOR))
    assert other.get(path).status_code == 403
    assert school_client(school_a, SchoolRole.SCHOOL_ADMIN).get(path).status_code == 200


def test_a_subject_teacher_sees_only_taught_students_and_no_import(school_a):
    with schema_context(school_a.schema_name):
        teacher, user = kit.teacher_account(school_a)
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        kit.teach(teacher, five_b)
        kit.enrol(five_a, "Видимов")
        kit.enrol(five_b, "Преподаваемов")
    client = school_client(school_a)
    client.force_login(user)
    page = client.get("/people/").content.decode()
    assert "Преподаваемов" in page and "Видимов" not in page
    assert client.get("/people/import/").status_code == 403
    assert client.get("/people/staff/").status_code == 403


def test_import_page_reports_rows_then_loads(
    school_a, s3_storage, django_capture_on_commit_callbacks
):
    with schema_context(school_a.schema_name):
        kit.school_class()
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    bad = "\n".join(
        [CSV_HEADER, "5А;Орлов;Олег;Ильич;01.02.2015;Орлова;Ольга;мать;+79140001122",
         "5А;Соколов;Семён;;2015-13-01;Соколова;Софья;мать;+79140001133"]
    ).encode()  # fmt: skip
    form = {
        "kind": "students",
        "order_number": "12-у",
        "order_date": "2026-09-01",
        "date": "2026-09-01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/people/import/", {**form, "file": SimpleUploadedFile("c.csv", bad)})
    assert response.status_code == 302
    report = admin.get(response["Location"]).content.decode()
    assert 'data-line="3"' in report and "дата рождения" in report
    good = bad.rsplit(b"\n", 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        checked = admin.post("/people/import/", {**form, "file": SimpleUploadedFile("c.csv", good)})
    assert "Ошибок нет" in admin.get(checked["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        loaded = admin.post(checked["Location"])
    assert "Загружено" in admin.get(loaded["Location"]).content.decode()
    with schema_context(school_a.schema_name):
        assert Student.objects.get().last_name == "Орлов"
        assert Student.objects.get().class_memberships.get().start == date(2026, 9, 1)


def test_consents_page_registers_refuses_and_prints_the_form(school_a):
    import shutil
    import subprocess

    from tenants.people.models import Consent

    teen, other, mother = kit.teen_with_mother(school_a)
    admin = school_client(school_a, SchoolRole.DEPUTY)
    assert admin.get("/people/consents/").status_code == 200
    body = {
        "applicant": "guardian",
        "decision": "consent",
        "guardian": mother.pk,
        "channels": ["web"],
    }
    refused = admin.post("/people/consents/", {**body, "student": other.pk})
    assert refused.status_code == 400 and "GOV-04" in refused.content.decode()
    done = admin.post("/people/consents/", {**body, "student": teen.pk})
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        assert Consent.objects.get().guardian == mother
    assert f'data-number="1/{date.today().year}"' in admin.get("/people/consents/").content.decode()
    pdf = admin.get(f"/people/consents/form/?student={teen.pk}&guardian={mother.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Подросткова Ольга" in text and "Подростков Пётр" in text
    assert admin.get(f"/people/consents/form/?student={teen.pk}&guardian=999").status_code == 404
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)
    assert teacher.get("/people/consents/").status_code == 403
    assert teacher.get(f"/people/consents/form/?student={teen.pk}").status_code == 403


def test_the_card_moves_a_student(school_a):
    with schema_context(school_a.schema_name):
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        student = kit.enrol(five_a, "Переводов")
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    card = f"/people/students/{student.pk}/"
    assert "Перевод в другой класс" in admin.get(card).content.decode()
    order = {"order_number": "5-у", "order_date": "2026-11-20"}
    moved = admin.post(
        card,
        {"action": "transfer", "transfer-to_class": five_b.pk, "transfer-date": "2026-11-23",
         **{f"transfer-{k}": v for k, v in order.items()}},
    )  # fmt: skip
    assert moved.status_code == 302
    no_destination = admin.post(
        card,
        {"action": "leave", "leave-kind": "transfer_out", "leave-date": "2026-12-01",
         **{f"leave-{k}": v for k, v in order.items()}},
    )  # fmt: skip
    assert no_destination.status_code == 400 and 'data-field="leave-destination"' in (
        no_destination.content.decode()
    )
    with schema_context(school_a.schema_name):
        student.refresh_from_db()
        assert student.status == "studying"
        assert student.class_memberships.get(end__isnull=True).school_class == five_b
    lead = school_client(school_a, SchoolRole.CLASS_TEACHER)
    assert lead.post(card, {"action": "leave"}).status_code in (403, 404)


def test_year_end_promotion_from_the_classes_page(school_a):
    with schema_context(school_a.schema_name):
        five_a = kit.school_class()
        kit.enrol(five_a, "Будущий")
        assert (
            school_client(school_a, SchoolRole.SCHOOL_ADMIN).get("/people/classes/").status_code
            == 200
        )
        next_year = kit.year("2027/2028", date(2027, 9, 1), date(2028, 8, 31))
    admin = school_client(school_a, SchoolRole.DIRECTOR)
    page = admin.get("/people/classes/").content.decode()
    assert "Перевести всех" in page
    bad = admin.post(
        "/people/classes/",
        {
            "to_year": next_year.pk,
            "order_number": "130-у",
            "order_date": "2027-05-28",
            "graduating": "12",
        },
    )
    assert bad.status_code == 400
    done = admin.post(
        "/people/classes/",
        {
            "to_year": next_year.pk,
            "order_number": "130-у",
            "order_date": "2027-05-28",
            "graduating": "11",
        },
    )
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        from tenants.people.models import SchoolClass

        assert SchoolClass.objects.filter(year=next_year, grade=6, letter="А").exists()
    lead = school_client(school_a, SchoolRole.CLASS_TEACHER)
    assert lead.post("/people/classes/", {}).status_code == 403


def test_page_titles_are_plain_text(school_a):
    """A block written into the wrong place once put a whole form into <title>."""
    import re

    with schema_context(school_a.schema_name):
        student = kit.enrol(kit.school_class(), "Заголовков")
    admin = school_client(school_a, SchoolRole.DIRECTOR)
    for path in ["/", "/people/", "/people/classes/", f"/people/students/{student.pk}/",
                 "/people/consents/", "/people/import/", "/settings/", "/settings/year/",
                 "/settings/grading/"]:  # fmt: skip
        html = admin.get(path).content.decode()
        assert re.search(r"<title>[^<]+</title>", html), path
