"""The `otmetka` command: schools, demo data, migrate."""

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from otmetka.cli import main
from otmetka.region.models import School
from otmetka.region.validators import inn_with_checksum
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_school_create_list_suspend_archive(django_capture_on_commit_callbacks):
    municipality = MunicipalityFactory(code="11223344")
    result = run(
        "school",
        "create",
        "--slug",
        "cli-school",
        "--short-name",
        "Школа CLI",
        "--full-name",
        "Школа из командной строки",
        "--inn",
        inn_with_checksum("410700700"),
        "--municipality",
        "11223344",
        "--admin-username",
        "cli-admin",
    )
    assert result.exit_code == 0, result.output
    assert "http://cli-school.localhost" in result.output
    assert "one-time password" in result.output
    school = School.objects.get(slug="cli-school")
    assert school.municipality == municipality
    assert "cli-school" in run("school", "list").output
    assert run("school", "suspend", "cli-school", "--reason", "Приказ 5").exit_code == 0
    assert run("school", "archive", "cli-school", "--reason", "Приказ 6").exit_code == 0
    school.refresh_from_db()
    assert school.status == "archived"


def test_school_create_bad_input_exits_non_zero_with_messages():
    MunicipalityFactory(code="55667788")
    result = CliRunner().invoke(
        main,
        [
            "school",
            "create",
            "--slug",
            "Bad Slug",
            "--short-name",
            "X",
            "--full-name",
            "X",
            "--inn",
            "123",
            "--municipality",
            "55667788",
            "--admin-username",
            "x",
        ],
    )
    assert result.exit_code != 0
    assert "slug" in result.output and "inn" in result.output
    assert not School.objects.filter(short_name="X").exists()


def test_unknown_municipality_and_school_are_clear_errors():
    result = CliRunner().invoke(
        main,
        [
            "school",
            "create",
            "--slug",
            "abc",
            "--short-name",
            "X",
            "--full-name",
            "X",
            "--inn",
            inn_with_checksum("410700701"),
            "--municipality",
            "000",
            "--admin-username",
            "x",
        ],
    )
    assert result.exit_code != 0 and "no municipality" in result.output
    result = CliRunner().invoke(main, ["school", "suspend", "nope", "--reason", "r"])
    assert result.exit_code != 0 and "no school" in result.output


def test_suspend_without_reason_is_refused(school_a):
    result = CliRunner().invoke(main, ["school", "suspend", school_a.slug, "--reason", " "])
    assert result.exit_code != 0 and "reason" in result.output


def test_demo_is_idempotent_and_prints_logins():
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "ministry / otmetka-demo" in first.output
    assert "admin-school-1 / otmetka-demo" in first.output
    count = School.objects.count()
    again = run("demo")
    assert again.exit_code == 0 and School.objects.count() == count


def test_migrate_reports_schools_at_head(schools):
    result = run("migrate")
    assert result.exit_code == 0, result.output
    assert "обновлено 0" in result.output and "ошибок 0" in result.output


def test_audit_verify_names_the_first_broken_record(school_a):
    from django.db import connection
    from django_tenants.utils import schema_context

    from otmetka.audit.chain import audit_append
    from otmetka.audit.context import AuditContext
    from tenants.audit.models import AuditRecord

    with schema_context(school_a.schema_name):
        for i in range(3):
            audit_append(
                AuditRecord,
                ctx=AuditContext.cli(),
                action="settings.update",
                object_type="x",
                object_id=i,
            )
        ok = CliRunner().invoke(main, ["audit", "verify", "--school", school_a.slug])
        assert ok.exit_code == 0 and "ok (3 records)" in ok.output
        second = AuditRecord.objects.order_by("id")[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE school_audit_auditrecord SET reason = 'forged' WHERE id = %s", [second.pk]
            )
    broken = CliRunner().invoke(main, ["audit", "verify", "--school", school_a.slug])
    assert broken.exit_code == 1
    assert f"BROKEN at record {second.pk}" in broken.output


def test_a_region_from_nothing():
    from otmetka.accounts.models import User
    from otmetka.audit.models import RegionAuditRecord
    from otmetka.region.models import Municipality, Region

    before = RegionAuditRecord.objects.count()
    assert (
        run(
            "region",
            "set",
            "--name",
            "Камчатский край",
            "--code",
            "41",
            "--time-zone",
            "Asia/Kamchatka",
        ).exit_code
        == 0
    )
    assert (
        run("municipality", "add", "--name", "Елизовский район", "--code", "30607000").exit_code
        == 0
    )
    created = run("user", "create", "--username", "Officer.One", "--role", "ministry_officer")
    assert created.exit_code == 0 and "one-time password" in created.output
    assert Region.objects.get().default_time_zone == "Asia/Kamchatka"
    assert Municipality.objects.filter(code="30607000").exists()
    assert User.objects.get(username="officer.one").region_roles == ["ministry_officer"]
    assert RegionAuditRecord.objects.count() == before + 3


def test_region_setup_refuses_bad_input():
    bad_zone = CliRunner().invoke(
        main, ["region", "set", "--name", "X", "--code", "1", "--time-zone", "Mars/Base"]
    )
    assert bad_zone.exit_code != 0 and "default_time_zone" in bad_zone.output
    no_muni = CliRunner().invoke(
        main, ["user", "create", "--username", "m1", "--role", "municipality_officer"]
    )
    assert no_muni.exit_code != 0 and "municipality" in no_muni.output


def test_demo_schools_run_their_years_differently():
    from django_tenants.utils import schema_context

    from tenants.configuration.models import PeriodStructure

    assert run("demo").exit_code == 0
    layouts = {}
    for school in School.objects.filter(slug__in=["school-1", "school-16", "lyceum-21"]):
        with schema_context(school.schema_name):
            layouts[school.slug] = sorted(
                (s.grade_from, s.grade_to, s.periods.count()) for s in PeriodStructure.objects.all()
            )
    assert layouts == {
        "school-1": [(1, 9, 4), (10, 11, 2)],
        "school-16": [(1, 11, 3)],
        "lyceum-21": [(5, 9, 4), (10, 11, 2)],
    }


def test_demo_schools_grade_and_regulate_differently():
    from django_tenants.utils import schema_context

    from tenants.configuration import completeness, regional_template, selectors
    from tenants.configuration.models import TemplateAdoption

    assert run("demo").exit_code == 0
    later = date.today() + timedelta(days=2)  # the demo's regulation versions are in force
    scales, diffs = {}, {}
    for school in School.objects.filter(slug__in=["school-1", "school-16", "lyceum-21"]):
        with schema_context(school.schema_name):
            scales[school.slug] = selectors.grading_system_for(subject=None, grade=7).kind
            adoption = TemplateAdoption.objects.get()
            diffs[school.slug] = {
                d.section for d in regional_template.template_diff(adoption.content, today=later)
            }
            checklist = completeness.school_checklist(today=later)
            assert checklist.done == len(checklist.items), school.slug
    assert scales == {"school-1": "five_point", "school-16": "ten_point", "lyceum-21": "five_point"}
    assert diffs["school-1"] == set()
    assert {"calendar", "structures", "regulation"} <= diffs["school-16"]
    assert {"structures", "work_types", "regulation"} <= diffs["lyceum-21"]


def test_demo_schools_have_people_classes_and_movements():
    from django_tenants.utils import schema_context

    from tenants.people.models import Guardian, Movement, SchoolClass, Student

    assert run("demo").exit_code == 0
    sizes = {}
    for school in School.objects.filter(slug__in=["school-1", "school-16", "lyceum-21"]):
        with schema_context(school.schema_name):
            sizes[school.slug] = Student.objects.count()
            grades = set(SchoolClass.objects.values_list("grade", flat=True))
            assert grades == (
                set(range(5, 12)) if school.slug == "lyceum-21" else set(range(1, 12))
            )
            assert Guardian.objects.count() > sizes[school.slug]
            assert set(Movement.objects.values_list("kind", flat=True)) >= {
                "enrolment",
                "class_transfer",
                "transfer_out",
            }
    assert all(300 <= n <= 900 for n in sizes.values()), sizes


def test_people_import_from_the_command_line(tmp_path):
    from tenants.people.imports import TEMPLATES

    assert run("demo").exit_code == 0
    header = ";".join(title for _, title, _ in TEMPLATES["staff"])
    path = tmp_path / "staff.csv"
    path.write_text(
        header + "\nЛебедева;Алла;;учитель;01.09.2019;;\nКим;Ли;;дворник;01.09.2019;;\n",
        encoding="utf-8",
    )
    checked = run("people", "import", "--school", "school-1", "--kind", "staff", str(path))
    assert checked.exit_code != 0 and "строка 3" in checked.output
    path.write_text(header + "\nЛебедева;Алла;;учитель;01.09.2019;;\n", encoding="utf-8")
    dry = run("people", "import", "--school", "school-1", "--kind", "staff", str(path))
    assert dry.exit_code == 0 and "--commit" in dry.output
    done = run("people", "import", "--school", "school-1", "--kind", "staff", "--commit", str(path))
    assert done.exit_code == 0 and "'staff': 1" in done.output
    missing = run("people", "import", "--school", "nope", "--kind", "staff", str(path))
    assert missing.exit_code != 0 and "no school" in missing.output
