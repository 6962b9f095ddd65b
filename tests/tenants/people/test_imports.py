"""Import of students with guardians, staff and classes from CSV and XLSX (INT-02, N-18)."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from openpyxl import Workbook

from tenants.audit.models import AuditRecord
from tenants.configuration.services import Order
from tenants.people import imports
from tenants.people.models import Guardian, GuardianLink, SchoolClass, Staff, Student
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
HEADER = [title for _, title, _ in imports.TEMPLATES["students"]]
ORDER = Order("101-у", date(2026, 8, 31))


def student_row(cls="5А", last="Петров", first="Пётр", birth="01.03.2015", g1=None, g2=None):
    row = [cls, last, first, "Ильич", birth, "очная", "нет", "", ""]
    for guardian in (g1, g2):
        row += list(guardian) if guardian else [""] * 6
    return row


MOTHER = ("Петрова", "Анна", "Ивановна", "мать", "+79140000011", "")
FATHER = ("Петров", "Илья", "Олегович", "отец", "8 914 000-00-12", "")


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    lines = [";".join(HEADER)] + [";".join(r) for r in rows]
    return "\n".join(lines).encode(encoding)


def run(data, name="students.xlsx", dry_run=False, **kwargs):
    return imports.run_import(
        ctx=kit.CTX,
        kind=kwargs.pop("kind", "students"),
        file_name=name,
        data=data,
        dry_run=dry_run,
        year=kit.year(),
        date_from=date(2026, 9, 1),
        order=ORDER,
        **kwargs,
    )


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(school_a):
    with schema_context(school_a.schema_name):
        kit.school_class()
        rows = [
            student_row(g1=MOTHER, g2=FATHER),
            student_row(last="Сидоров", birth="31.02.2015", g1=MOTHER),  # line 3: no such day
            student_row(last="Кузнецов", g1=("Кузнецова", "Ольга", "", "тётя", "", "")),  # line 4
        ]
        report = run(xlsx(rows))
        assert not report.ok
        assert [e.line for e in report.errors] == [3, 4]
        assert "дата рождения" in report.errors[0].messages[0]
        assert any("кем приходится" in m for m in report.errors[1].messages)
        assert any("телефон или эл. почта" in m for m in report.errors[1].messages)
        assert not Student.objects.exists() and not Guardian.objects.exists()
        assert not AuditRecord.objects.filter(action="import.students").exists()


def test_a_dry_run_checks_and_writes_nothing(school_a):
    with schema_context(school_a.schema_name):
        kit.school_class()
        report = run(xlsx([student_row(g1=MOTHER)]), dry_run=True)
        assert report.ok and report.rows == 1 and report.created == {}
        assert not Student.objects.exists()


def test_a_good_import_writes_everything_with_one_audit_record(school_a):
    with schema_context(school_a.schema_name):
        kit.school_class()
        rows = [
            student_row(g1=MOTHER, g2=FATHER),
            student_row(first="Павел", birth="02.04.2017", cls="3А", g1=MOTHER, g2=FATHER),
        ]
        report = run(xlsx(rows), create_classes=True)
        assert report.ok, report.as_dict()
        assert report.created == {"students": 2, "guardians": 2, "links": 4, "classes": 1}
        assert SchoolClass.objects.filter(grade=3, letter="А").exists()
        # siblings share their parents: one guardian record each, two links
        mother = Guardian.objects.get(first_name="Анна")
        assert GuardianLink.objects.filter(guardian=mother).count() == 2
        assert Guardian.objects.get(first_name="Илья").phone == "+79140000012"
        record = AuditRecord.objects.get(action="import.students")
        assert record.new["created"]["students"] == 2 and len(record.new["sha256"]) == 64
        again = run(xlsx(rows[:1]))
        assert "уже числится" in again.errors[0].messages[0]


def test_csv_in_windows_1251_and_missing_classes(school_a):
    with schema_context(school_a.schema_name):
        kit.school_class()
        rows = [student_row(g1=MOTHER), student_row(cls="7В", last="Орлов", g1=FATHER)]
        report = run(csv_bytes(rows, "cp1251"), name="students.csv")
        assert [e.line for e in report.errors] == [3]
        assert "7В не найден" in report.errors[0].messages[0]
        assert run(csv_bytes(rows), name="s.csv", create_classes=True).ok


def test_missing_columns_and_broken_files_are_refused(school_a):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as missing:
            run("класс;фамилия\n5А;Иванов\n".encode(), name="s.csv")
        assert "дата рождения" in missing.value.message_dict["file"][0]
        with pytest.raises(ValidationError) as broken:
            run(b"PK\x03\x04 broken zip", name="s.xlsx")
        assert "file" in broken.value.message_dict


def test_staff_and_classes(school_a):
    with schema_context(school_a.schema_name):
        staff_csv = (
            "фамилия;имя;отчество;должности;дата начала работы;телефон;эл. почта\n"
            "Сергеева;Ольга;Ивановна;Учитель, Заместитель директора;01.09.2015;;o@school.ru\n"
            "Ким;Алла;;Повар;01.09.2020;;\n"
        ).encode()
        bad = run(staff_csv, name="staff.csv", kind="staff")
        assert [e.line for e in bad.errors] == [3] and "Повар" in bad.errors[0].messages[0]
        good = run(staff_csv.rsplit(b"\n", 2)[0] + b"\n", name="staff.csv", kind="staff")
        assert good.created == {"staff": 1}
        assert Staff.objects.get().positions == ["teacher", "deputy"]
        classes_csv = "класс;классный руководитель\n5А;Сергеева Ольга Ивановна\n5Б;Нет Такого\n"
        report = run(classes_csv.encode(), name="c.csv", kind="classes")
        assert [e.line for e in report.errors] == [3]
        ok = run(
            b"\xef\xbb\xbf\xd0\xba\xd0\xbb\xd0\xb0\xd1\x81\xd1\x81\n6 A\n",
            name="c.csv",
            kind="classes",
        )
        assert ok.created == {"classes": 1}


def test_export_has_the_import_columns(school_a):
    from otmetka.accounts.caller import Caller
    from otmetka.accounts.roles import scopes_for
    from tenants.people import selectors

    with schema_context(school_a.schema_name):
        kit.school_class()
        run(xlsx([student_row(g1=MOTHER)]))
        caller = Caller(
            user_id=1,
            school_roles=frozenset({"school_admin"}),
            scopes=scopes_for((), ("school_admin",)),
        )
        rows = list(
            imports.export_rows("students", selectors.student_list(caller, date(2026, 10, 1)))
        )
        assert rows[0] == HEADER
        assert rows[1][:5] == ["5А", "Петров", "Пётр", "Ильич", "01.03.2015"]
        assert rows[1][9:13] == ["Петрова", "Анна", "Ивановна", "Мать"]


def test_import_through_the_api_as_a_job_with_a_report(
    school_a, s3_storage, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from otmetka.accounts.roles import SchoolRole
    from tests.factories import school_client

    with schema_context(school_a.schema_name):
        kit.school_class()
    admin = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    rows = [student_row(g1=MOTHER), student_row(last="Сидоров", birth="xx", g1=MOTHER)]
    body = {
        "kind": "students",
        "order_number": "101-у",
        "order_date": "2026-08-31",
        "date": "2026-09-01",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the task starts after commit
        checked = admin.post(
            "/api/v1/imports/", {**body, "file": SimpleUploadedFile("s.xlsx", xlsx(rows))}
        )
    assert checked.status_code == 202, checked.json()
    job = admin.get(f"/api/v1/imports/{checked.json()['id']}/").json()
    assert job["status"] == "done" and job["dry_run"]
    assert job["report"]["errors"] == [{"line": 3, "messages": ["дата рождения: ДД.ММ.ГГГГ."]}]
    with django_capture_on_commit_callbacks(execute=True):
        written = admin.post(
            "/api/v1/imports/",
            {**body, "dry_run": "false", "file": SimpleUploadedFile("s.xlsx", xlsx(rows[:1]))},
        )
    job = admin.get(f"/api/v1/imports/{written.json()['id']}/").json()
    assert job["report"]["created"]["students"] == 1
    assert job["progress"]["percent"] == 100
    no_order = admin.post(
        "/api/v1/imports/",
        {"kind": "students", "file": SimpleUploadedFile("s.xlsx", xlsx(rows[:1]))},
    )
    assert no_order.status_code == 400 and "order_number" in no_order.json()["fields"]
    template = admin.get("/api/v1/imports/template/?kind=students")
    assert template.status_code == 200 and "дата рождения".encode() in template.content
    export = admin.get("/api/v1/exports/?kind=students")
    assert export.status_code == 200 and "Петров".encode() in export.content
    teacher = school_client(school_a, SchoolRole.CLASS_TEACHER)
    assert teacher.get("/api/v1/exports/?kind=students").status_code == 403
    assert teacher.get("/api/v1/imports/").status_code == 403


def test_groups_import_creates_groups_and_streams_and_names_bad_rows(school_a):
    from tenants.people.models import Group

    with schema_context(school_a.schema_name):
        kit.maths()
        five_a, five_b = kit.school_class(), kit.school_class(letter="Б")
        kit.enrol(five_a, "Антонов", "Антон", birth=date(2015, 3, 1))
        kit.enrol(five_b, "Борисов", "Борис", birth=date(2015, 4, 1))
        header = "группа;вид группы;предмет;фамилия;имя;отчество;дата рождения\n"
        rows = [
            "Математика углублённо;профильная группа;Математика;Антонов;Антон;Сергеевич;01.03.2015",
            "Математика углублённо;профильная группа;Математика;Борисов;Борис;Сергеевич;01.04.2015",
            "Шахматы;кружок;;Нетов;Нет;;01.01.2015",
            "Подгруппа 1;подгруппа по предмету;;Антонов;Антон;Сергеевич;01.03.2015",
        ]
        data = (header + "\n".join(rows)).encode()
        bad = run(data, name="g.csv", kind="groups")
        assert [e.line for e in bad.errors] == [4, 5]
        assert "не найден" in bad.errors[0].messages[0]
        assert "предмет" in bad.errors[1].messages[0]
        assert not Group.objects.exists()
        good = run((header + "\n".join(rows[:2])).encode(), name="g.csv", kind="groups")
        assert good.created == {"groups": 1, "members": 2}
        stream = Group.objects.get()
        assert set(stream.classes.all()) == {five_a, five_b}  # a stream across two classes
        again = run((header + rows[0]).encode(), name="g.csv", kind="groups")
        assert "уже в этой группе" in again.errors[0].messages[0]
        exported = list(imports.export_rows("groups"))
        assert exported[1][:4] == [
            "Математика углублённо",
            "Профильная группа",
            "Математика",
            "Антонов",
        ]
