"""The region's template (N-22): publish → a new school gets it → the school diverges → the diff
shows it → the school adopts a newer version. Plus the ministry API's rules and refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.exceptions import ValidationError as DRFValidationError

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.audit.context import AuditContext
from otmetka.audit.models import RegionAuditRecord
from otmetka.region import services as region_services
from tenants.configuration import regional_template, selectors, services
from tenants.configuration.demo import HALF_YEARS, QUARTERS
from tenants.configuration.models import (
    AcademicYear,
    GradingSystem,
    PeriodStructure,
    TemplateAdoption,
    WorkType,
)
from tests.factories import region_user, school_client, school_create

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=None, actor_role="ministry_officer", source="api")

CONTENT = {
    "calendar": {
        "year_name": "2026/2027",
        "start": "2026-09-01",
        "end": "2027-08-31",
        "holidays": [
            {"kind": "autumn", "name": "Осенние", "start": "2026-10-26", "end": "2026-11-04"},
            {"kind": "winter", "name": "Зимние", "start": "2026-12-29", "end": "2027-01-11"},
            {"kind": "spring", "name": "Весенние", "start": "2027-03-22", "end": "2027-03-30"},
        ],
    },
    "structures": [
        {
            "name": "Четверти",
            "grade_from": 1,
            "grade_to": 9,
            "periods": QUARTERS,
        },
        {
            "name": "Полугодия",
            "grade_from": 10,
            "grade_to": 11,
            "periods": HALF_YEARS,
        },
    ],
    "grading": {"default_kind": "five_point"},
    "work_types": [
        {"code": "control", "name": "Контрольная работа", "form_of_control": "written",
         "weight": "3", "mark_due_days": 5},
    ],
    "regulation": {
        "values": {"period_auto_close_days_after_end": 7},
        "ranges": {"period_auto_close_days_after_end": [3, 10]},
    },
}  # fmt: skip


def _publish(content=CONTENT, note=""):
    draft = region_services.template_draft_save(ctx=CTX, content=content, note=note)
    return region_services.template_publish(ctx=CTX, template=draft)


def test_the_template_flow(school_a):
    template = _publish()
    assert template.version == 1
    # a new school gets it
    created = school_create("tpl-school")
    with schema_context(created.schema_name):
        year = AcademicYear.objects.get()
        assert (year.name, year.is_current) == ("2026/2027", True)
        assert list(
            PeriodStructure.objects.order_by("grade_from").values_list("name", flat=True)
        ) == ["Четверти", "Полугодия"]
        assert WorkType.objects.get(code="control").weight == Decimal(3)
        in_force = selectors.regulation_in_force(date(2026, 12, 1))
        assert in_force["period_auto_close_days_after_end"] == 7
        assert regional_template.template_diff(template.content, today=date(2026, 11, 23)) == []
        # the school diverges
        services.work_type_save(
            ctx=CTX,
            code="control",
            name="Контрольная работа",
            form_of_control="written",
            weight=Decimal(2),
            mark_due_days=7,
            work_type=WorkType.objects.get(code="control"),
        )
        services.regulation_version_create(
            ctx=CTX,
            effective_from=date(2026, 12, 1),
            order=services.Order("9-од", date(2026, 11, 23)),
            values={"period_auto_close_days_after_end": 10},
            today=date(2026, 11, 23),
        )
        # the diff shows it
        diff = regional_template.template_diff(template.content, today=date(2026, 12, 2))
        assert {(d.section, d.template, d.school) for d in diff} == {
            ("work_types", "вес 3.00, срок 5 дн.", "вес 2.00, срок 7 дн."),
            ("regulation", "7", "10"),
        }


def test_adopting_a_newer_version_section_by_section(school_a):
    _publish()
    created = school_create("tpl-adopt")
    newer = {
        **CONTENT,
        "grading": {"default_kind": "ten_point"},
        "work_types": [{**CONTENT["work_types"][0], "weight": "2.5"}],
    }
    _publish(newer, note="10-балльная по умолчанию")
    client = school_client(created, SchoolRole.DIRECTOR)
    state = client.get("/api/v1/regional-template/").json()
    assert (state["published_version"], state["adopted_version"]) == (2, 1)
    assert state["newer_available"]
    assert {d["section"] for d in state["differences"]} == {"grading", "work_types"}
    adopted = client.post(
        "/api/v1/regional-template/adopt/",
        {"version": 2, "sections": ["work_types"]},
        content_type="application/json",
    )
    assert adopted.status_code == 200, adopted.json()
    assert {d["section"] for d in adopted.json()["differences"]} == {"grading"}
    assert adopted.json()["adopted_version"] == 2
    with schema_context(created.schema_name):
        assert WorkType.objects.get(code="control").weight == Decimal("2.5")
        assert GradingSystem.objects.get(is_default=True).kind == "five_point"
        assert TemplateAdoption.objects.count() == 2
    bad = client.post(
        "/api/v1/regional-template/adopt/",
        {"version": 9, "sections": ["grading"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "version" in bad.json()["fields"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"calendar": {**CONTENT["calendar"], "end": "2026-08-01"}}, "calendar.end"),
        (
            {"structures": [{**CONTENT["structures"][0], "grade_to": 10},
                            CONTENT["structures"][1]]},
            "structures[1].grade_from",
        ),
        (
            {"regulation": {"values": {"period_auto_close_days_after_end": 12},
                            "ranges": {"period_auto_close_days_after_end": [3, 10]}}},
            "regulation.values.period_auto_close_days_after_end",
        ),
        (
            {"regulation": {"ranges": {"period_auto_close_days_after_end": [0, 40]}}},
            "regulation.ranges.period_auto_close_days_after_end",
        ),
        ({"work_types": [{**CONTENT["work_types"][0], "weight": "0"}]}, "work_types"),
    ],
)  # fmt: skip
def test_template_content_rules(patch, field):
    with pytest.raises(DRFValidationError) as error:
        regional_template.content_clean({**CONTENT, **patch})
    assert any(key.startswith(field) for key in error.value.detail), error.value.detail


def test_ministry_template_api(schools):
    ministry = Client(HTTP_HOST="localhost")
    ministry.force_login(region_user(RegionRole.MINISTRY_OFFICER))
    draft = ministry.post(
        "/api/v1/region-templates/", {"content": CONTENT}, content_type="application/json"
    )
    assert draft.status_code == 201, draft.json()
    replaced = ministry.post(
        "/api/v1/region-templates/",
        {"content": {**CONTENT, "grading": {"default_kind": "ten_point"}}, "note": "v1"},
        content_type="application/json",
    )
    assert replaced.json()["version"] == draft.json()["version"]  # one draft at a time
    published = ministry.post(f"/api/v1/region-templates/{draft.json()['id']}/publish/")
    assert published.status_code == 200 and published.json()["is_published"]
    again = ministry.post(f"/api/v1/region-templates/{draft.json()['id']}/publish/")
    assert again.status_code == 400
    bad = ministry.post(
        "/api/v1/region-templates/",
        {"content": {"calendar": {"year_name": "x"}}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "calendar.year_name" in bad.json()["fields"]
    assert RegionAuditRecord.objects.filter(action="region_template.publish").count() == 1

    municipality = Client(HTTP_HOST="localhost")
    municipality.force_login(region_user(RegionRole.MUNICIPALITY_OFFICER))
    assert municipality.get("/api/v1/region-templates/").status_code == 200
    refused = municipality.post(
        "/api/v1/region-templates/", {"content": CONTENT}, content_type="application/json"
    )
    assert refused.status_code == 403
    school_director = school_client(schools["a"], SchoolRole.DIRECTOR)
    assert school_director.get("/api/v1/region-templates/").status_code == 404
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/api/v1/region-templates/").status_code in (401, 403)


LEVELS = {
    "name": "Уровни освоения",
    "values": [
        {"code": "Н", "label": "низкий", "passes": False},
        {"code": "Б", "label": "базовый", "passes": True},
        {"code": "П", "label": "повышенный", "passes": True, "counts_quality": True},
    ],
}


def test_a_template_publishes_its_own_scale_as_the_default(school_a):
    _publish({"grading": {"systems": [LEVELS], "default_name": "Уровни освоения"}})
    created = school_create("tpl-scale")
    with schema_context(created.schema_name):
        default = GradingSystem.objects.get(is_default=True)
        assert default.name == "Уровни освоения"
        assert [v.code for v in default.values.order_by("position")] == ["Н", "Б", "П"]
        content = region_services.template_published().content
        assert regional_template.template_diff(content, today=date(2026, 11, 23)) == []
        services.grading_system_make_default(
            ctx=CTX, system=GradingSystem.objects.get(kind="five_point")
        )
        diff = regional_template.template_diff(content, today=date(2026, 11, 23))
        assert [(d.item, d.template, d.school) for d in diff] == [
            ("Шкала по умолчанию", "Уровни освоения", "Пятибалльная")
        ]


@pytest.mark.parametrize(
    ("grading", "field"),
    [
        ({"systems": [{**LEVELS, "values": [{**v, "passes": False} for v in LEVELS["values"]]}],
          "default_kind": "five_point"}, "grading.systems[0].values"),
        ({"systems": [LEVELS], "default_name": "Другая"}, "grading.default_name"),
        ({"systems": [LEVELS, LEVELS], "default_kind": "five_point"}, "grading.systems"),
        ({"systems": []}, "grading.default_kind"),
    ],
)  # fmt: skip
def test_template_scale_rules(grading, field):
    with pytest.raises(DRFValidationError) as error:
        regional_template.content_clean({"grading": grading})
    from otmetka.api.errors import field_messages

    assert field in field_messages(error.value.detail), error.value.detail
