"""Grading systems, conversions, work types and notations (CFG-06…09, N-01, N-02, X-03, X-10)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.audit.models import AuditRecord
from tenants.configuration import services
from tenants.configuration.conversion import Converter
from tenants.configuration.models import (
    Conversion,
    GradingSystem,
    Notation,
    WorkType,
)
from tests.factories import school_client

pytestmark = pytest.mark.django_db
CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")
V = services.ValueInput


def test_a_new_school_has_the_presets(school_a):
    with schema_context(school_a.schema_name):
        systems = {s.kind: s for s in GradingSystem.objects.all()}
        assert set(systems) >= {"five_point", "ten_point", "hundred_point", "pass_fail", "no_marks"}
        five = systems["five_point"]
        assert five.is_default
        assert [v.code for v in five.values.order_by("position")] == ["1", "2", "3", "4", "5"]
        assert [v.code for v in five.values.filter(passes=True)] == ["3", "4", "5"]
        assert [v.code for v in five.values.filter(counts_quality=True)] == ["4", "5"]
        assert not systems["no_marks"].values.exists()
        weights = dict(WorkType.objects.values_list("code", "weight"))
        assert weights["control"] == weights["internal_control"] == Decimal(2)
        assert weights["oral"] == Decimal(1)
        due = dict(WorkType.objects.values_list("code", "mark_due_days"))
        assert (due["oral"], due["internal_control"], due["written"]) == (0, 3, 7)
        enabled = dict(Notation.objects.values_list("code", "is_enabled"))
        assert enabled == {
            "exempt": True,
            "mastered": False,
            "not_attested": True,
            "no_mark": True,
        }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([V("a", "a", None, True), V("a", "b", None, True)], "повторяются"),
        ([V("1", "1", Decimal(2), True), V("2", "2", Decimal(1), True)], "возрастать"),
        ([V("1", "1", Decimal(1), True), V("2", "2", Decimal(1), True)], "возрастать"),
        ([V("x", "x", None, False), V("y", "y", None, False)], "положительным"),
        ([], "Добавьте"),
    ],
)
def test_grading_system_rules(school_a, values, message):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            services.grading_system_create(ctx=CTX, name="Своя", kind="custom", values=values)
        assert message in " ".join(error.value.message_dict["values"])
        assert not GradingSystem.objects.filter(name="Своя").exists()


def test_a_custom_scale_keeps_its_order_and_is_audited(school_a):
    with schema_context(school_a.schema_name):
        system = services.grading_system_create(
            ctx=CTX,
            name="Трёхуровневая",
            kind="custom",
            values=[
                V("Н", "низкий", None, False),
                V("Б", "базовый", None, True),
                V("П", "повышенный", None, True, counts_quality=True),
            ],
        )
        assert [(v.position, v.code) for v in system.values.all()] == [
            (1, "Н"),
            (2, "Б"),
            (3, "П"),
        ]
        record = AuditRecord.objects.get(action="grading_system.create")
        assert record.new["values"] == ["Н", "Б", "П"]


def test_preset_conversions_map_ten_and_hundred_points_to_five(school_a):
    with schema_context(school_a.schema_name):
        five = GradingSystem.objects.get(kind="five_point")
        for kind, expected in [
            ("ten_point", {"1": "2", "3": "2", "4": "3", "6": "4", "7": "4", "8": "5", "10": "5"}),
            ("hundred_point", {"0": "2", "49": "2", "50": "3", "70": "4", "84": "4", "85": "5"}),
        ]:
            source = GradingSystem.objects.get(kind=kind)
            converter = Converter.load(Conversion.objects.get(source=source, target=five))
            for code, target in expected.items():
                assert converter.convert(source.values.get(code=code)).code == target, code
            # every value of the source scale converts to something
            assert all(converter.convert(v) is not None for v in source.values.all())


def test_a_school_defined_table_replaces_the_old_one(school_a):
    with schema_context(school_a.schema_name):
        pass_fail = GradingSystem.objects.get(kind="pass_fail")
        five = GradingSystem.objects.get(kind="five_point")
        R = services.RuleInput
        services.conversion_save(
            ctx=CTX,
            source=five,
            target=pass_fail,
            rules=[R("незач", "2"), R("зач", "3"), R("зач", "4"), R("зач", "5")],
        )
        conversion = services.conversion_save(
            ctx=CTX,
            source=five,
            target=pass_fail,
            rules=[R("незач", "1"), R("незач", "2"), R("незач", "3"), R("зач", "4"), R("зач", "5")],
        )
        assert conversion.rules.count() == 5
        converter = Converter.load(conversion)
        assert converter.convert(five.values.get(code="3")).code == "незач"
        assert AuditRecord.objects.filter(action="conversion.save").count() == 2


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([services.RuleInput("5", minimum=Decimal(1), maximum=Decimal(5))], None),
        (
            [
                services.RuleInput("3", minimum=Decimal(1), maximum=Decimal(5)),
                services.RuleInput("4", minimum=Decimal(5), maximum=Decimal(7)),
            ],
            "rules[1].minimum",
        ),
        ([services.RuleInput("9", minimum=Decimal(1), maximum=Decimal(5))], "rules[0].target_code"),
        ([services.RuleInput("5", source_code="11")], "rules[0].source_code"),
        ([services.RuleInput("5", minimum=Decimal(5), maximum=Decimal(1))], "rules[0].minimum"),
        ([services.RuleInput("5", "1"), services.RuleInput("4", "1")], "rules"),
    ],
)
def test_conversion_rules(school_a, rules, field):
    with schema_context(school_a.schema_name):
        ten = GradingSystem.objects.get(kind="ten_point")
        five = GradingSystem.objects.get(kind="five_point")
        if field is None:  # the valid case, so that the others fail for their own reason
            services.conversion_save(ctx=CTX, source=ten, target=five, rules=rules)
            return
        before = list(Conversion.objects.get(source=ten, target=five).rules.values_list("pk"))
        with pytest.raises(ValidationError) as error:
            services.conversion_save(ctx=CTX, source=ten, target=five, rules=rules)
        assert field in error.value.message_dict
        after = list(Conversion.objects.get(source=ten, target=five).rules.values_list("pk"))
        assert before == after  # nothing replaced


def test_conversion_needs_two_systems(school_a):
    with schema_context(school_a.schema_name):
        five = GradingSystem.objects.get(kind="five_point")
        with pytest.raises(ValidationError) as error:
            services.conversion_save(ctx=CTX, source=five, target=five, rules=[])
        assert "target" in error.value.message_dict


@pytest.mark.parametrize(
    ("weight", "days", "field"),
    [(Decimal(0), 0, "weight"), (Decimal("10.5"), 0, "weight"), (Decimal(1), 15, "mark_due_days")],
)
def test_work_type_ranges(school_a, weight, days, field):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as error:
            services.work_type_save(
                ctx=CTX,
                code="project",
                name="Проект",
                form_of_control="combined",
                weight=weight,
                mark_due_days=days,
            )
        assert field in error.value.message_dict


# --- API ---------------------------------------------------------------------------------------


def test_grading_api_round_trip(school_a):
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    systems = client.get("/api/v1/grading-systems/").json()
    by_kind = {s["kind"]: s for s in systems}
    created = client.post(
        "/api/v1/grading-systems/",
        {
            "name": "Четырёхбалльная",
            "values": [
                {"code": "2", "label": "неуд", "numeric": "2", "passes": False},
                {"code": "3", "label": "уд", "numeric": "3", "passes": True},
                {"code": "4", "label": "хор", "numeric": "4", "passes": True},
                {"code": "5", "label": "отл", "numeric": "5", "passes": True},
            ],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert [v["position"] for v in created.json()["values"]] == [1, 2, 3, 4]
    converted = client.post(
        "/api/v1/conversions/convert/",
        {"source": by_kind["ten_point"]["id"], "target": by_kind["five_point"]["id"], "code": "9"},
        content_type="application/json",
    )
    assert converted.status_code == 200 and converted.json()["code"] == "5"
    missing = client.post(
        "/api/v1/conversions/convert/",
        {"source": created.json()["id"], "target": by_kind["five_point"]["id"], "code": "3"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "target" in missing.json()["fields"]
    saved = client.post(
        "/api/v1/conversions/",
        {
            "source": created.json()["id"],
            "target": by_kind["five_point"]["id"],
            "rules": [{"source_code": c, "target_code": c} for c in "2345"],
        },
        content_type="application/json",
    )
    assert saved.status_code == 201, saved.json()
    assert len(saved.json()["rules"]) == 4


def test_work_types_and_notations_api(school_a):
    client = school_client(school_a, SchoolRole.DEPUTY)
    created = client.post(
        "/api/v1/work-types/",
        {"code": "project", "name": "Проект", "form_of_control": "combined", "weight": "1.5"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["mark_due_days"] == 0 and not created.json()["is_system"]
    duplicate = client.post(
        "/api/v1/work-types/",
        {"code": "project", "name": "Проект 2", "form_of_control": "oral"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400 and "code" in duplicate.json()["fields"]
    too_heavy = client.put(
        f"/api/v1/work-types/{created.json()['id']}/",
        {"code": "project", "name": "Проект", "form_of_control": "combined", "weight": "11"},
        content_type="application/json",
    )
    assert too_heavy.status_code == 400 and "weight" in too_heavy.json()["fields"]
    notations = {n["code"]: n for n in client.get("/api/v1/notations/").json()}
    relabelled = client.put(
        f"/api/v1/notations/{notations['mastered']['id']}/",
        {"label": "осв.", "is_enabled": True},
        content_type="application/json",
    )
    assert relabelled.status_code == 200
    assert relabelled.json() == {**notations["mastered"], "label": "осв.", "is_enabled": True}
    blank = client.put(
        f"/api/v1/notations/{notations['mastered']['id']}/",
        {"label": " ", "is_enabled": True},
        content_type="application/json",
    )
    assert blank.status_code == 400 and "label" in blank.json()["fields"]


def test_bad_grading_input_gives_field_messages(school_a):
    client = school_client(school_a, SchoolRole.SCHOOL_ADMIN)
    no_passes = client.post(
        "/api/v1/grading-systems/",
        {"name": "X", "values": [{"code": "1", "label": "1"}]},
        content_type="application/json",
    )
    assert no_passes.status_code == 400
    assert any(key.startswith("values") for key in no_passes.json()["fields"])
    with schema_context(school_a.schema_name):
        assert not GradingSystem.objects.filter(name="X").exists()


def test_the_default_scale_changes_through_the_api_and_is_audited(school_a):
    client = school_client(school_a, SchoolRole.DIRECTOR)
    systems = {s["kind"]: s for s in client.get("/api/v1/grading-systems/").json()}
    response = client.post(f"/api/v1/grading-systems/{systems['ten_point']['id']}/make-default/")
    assert response.status_code == 200 and response.json()["is_default"]
    with schema_context(school_a.schema_name):
        assert GradingSystem.objects.get(is_default=True).kind == "ten_point"
        record = AuditRecord.objects.get(action="grading_system.make_default")
        assert record.old == {"default": "Пятибалльная"}
