from rest_framework import serializers

from tenants.configuration.choices import (
    FormOfControl,
    GradingKind,
    HolidayKind,
    LocalActKind,
    PeriodKind,
    RoomKind,
    SubjectKind,
)
from tenants.configuration.models import (
    AcademicYear,
    Conversion,
    GradeValue,
    GradingAssignment,
    GradingSystem,
    HolidayPeriod,
    LocalAct,
    Notation,
    Period,
    PeriodStructure,
    RegulationVersion,
    Room,
    Subject,
    WorkType,
)
from tenants.people.models import SchoolClass


class AcademicYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcademicYear
        fields = [
            "id",
            "name",
            "start",
            "end",
            "is_current",
            "opened_order_number",
            "opened_order_date",
            "closed_order_number",
            "closed_order_date",
            "closed_at",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=50)
    order_date = serializers.DateField()


class AcademicYearCreateSerializer(OrderSerializer):
    name = serializers.RegexField(
        r"^\d{4}/\d{4}$", max_length=20, error_messages={"invalid": "Формат: 2026/2027."}
    )
    start = serializers.DateField()
    end = serializers.DateField()
    make_current = serializers.BooleanField(default=False)


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "kind", "number", "name", "start", "end"]
        read_only_fields = ["id", "number"]


class PeriodInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    name = serializers.CharField(max_length=100)
    start = serializers.DateField()
    end = serializers.DateField()


class PeriodStructureSerializer(serializers.ModelSerializer):
    periods = PeriodSerializer(many=True, read_only=True)

    class Meta:
        model = PeriodStructure
        fields = ["id", "year", "name", "grade_from", "grade_to", "periods"]
        read_only_fields = fields


class PeriodStructureWriteSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    name = serializers.CharField(max_length=100)
    grade_from = serializers.IntegerField(min_value=1, max_value=11)
    grade_to = serializers.IntegerField(min_value=1, max_value=11)
    periods = PeriodInputSerializer(many=True, allow_empty=False)


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = HolidayPeriod
        fields = ["id", "year", "kind", "name", "start", "end", "grade_from", "grade_to"]
        read_only_fields = ["id"]
        extra_kwargs = {"kind": {"choices": HolidayKind.choices}}


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["study", "holiday", "weekend"])
    period = serializers.CharField()


# --- grading, conversion, work types, notations ---------------------------------------------


class GradeValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeValue
        fields = ["position", "code", "label", "numeric", "passes", "counts_quality"]
        read_only_fields = ["position"]


class GradingSystemSerializer(serializers.ModelSerializer):
    values = GradeValueSerializer(many=True, read_only=True)

    class Meta:
        model = GradingSystem
        fields = ["id", "name", "kind", "is_default", "values"]
        read_only_fields = fields


class GradeValueInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    label = serializers.CharField(max_length=50)
    numeric = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    passes = serializers.BooleanField()
    counts_quality = serializers.BooleanField(default=False)


class GradingSystemCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=GradingKind.choices, default=GradingKind.CUSTOM)
    values = GradeValueInputSerializer(many=True, help_text="From the lowest to the highest.")


class ConversionRuleSerializer(serializers.Serializer):
    source_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    minimum = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    maximum = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    target_code = serializers.CharField(max_length=10)


class ConversionSerializer(serializers.ModelSerializer):
    rules = serializers.SerializerMethodField()

    class Meta:
        model = Conversion
        fields = ["id", "source", "target", "rules"]
        read_only_fields = fields

    def get_rules(self, conversion) -> list[dict]:
        return [
            {
                "source_code": r.source_value.code if r.source_value_id else "",
                "minimum": r.minimum,
                "maximum": r.maximum,
                "target_code": r.target_value.code,
            }
            for r in conversion.rules.all()
        ]


class ConversionWriteSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=GradingSystem.objects.all())
    target = serializers.PrimaryKeyRelatedField(queryset=GradingSystem.objects.all())
    rules = ConversionRuleSerializer(many=True, allow_empty=False)


class ConvertRequestSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=GradingSystem.objects.all())
    target = serializers.PrimaryKeyRelatedField(queryset=GradingSystem.objects.all())
    code = serializers.CharField(max_length=10)


class WorkTypeSerializer(serializers.ModelSerializer):
    form_of_control = serializers.ChoiceField(choices=FormOfControl.choices)

    class Meta:
        model = WorkType
        fields = [
            "id",
            "code",
            "name",
            "form_of_control",
            "weight",
            "mark_due_days",
            "is_system",
            "is_active",
        ]
        read_only_fields = ["id", "is_system"]
        extra_kwargs = {"code": {"validators": []}}


class NotationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notation
        fields = ["id", "code", "label", "description", "is_enabled"]
        read_only_fields = ["id", "code", "description"]


# --- regulation, locks, subjects, rooms, assignments, acts, completeness, template ------------


class RegulationSettingSerializer(serializers.Serializer):
    key = serializers.CharField(source="setting.key")
    ref = serializers.CharField(source="setting.ref")
    label = serializers.CharField(source="setting.label")
    kind = serializers.CharField(source="setting.kind")
    scope = serializers.CharField(source="setting.scope")
    allowed = serializers.SerializerMethodField()
    minimum = serializers.JSONField(source="setting.minimum")
    maximum = serializers.JSONField(source="setting.maximum")
    choices = serializers.SerializerMethodField()
    unit = serializers.CharField(source="setting.unit")
    value = serializers.JSONField()
    source = serializers.ChoiceField(choices=["catalogue", "template", "school"])
    template_value = serializers.JSONField()
    version = serializers.SerializerMethodField()

    def get_allowed(self, row) -> str:
        return row.setting.describe_range()

    def get_choices(self, row) -> list[str]:
        return [code for code, _ in row.setting.choices]

    def get_version(self, row) -> int | None:
        return row.version.pk if row.version else None


class RegulationVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegulationVersion
        fields = ["id", "effective_from", "order_number", "order_date", "values", "note"]
        read_only_fields = ["id"]


class RegulationVersionWriteSerializer(OrderSerializer):
    effective_from = serializers.DateField()
    values = serializers.DictField(allow_empty=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PeriodLockSerializer(serializers.ModelSerializer):
    structure = serializers.CharField(source="structure.name")
    year = serializers.CharField(source="structure.year.name")
    grades = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()

    class Meta:
        model = Period
        fields = [
            "id",
            "year",
            "structure",
            "grades",
            "kind",
            "name",
            "start",
            "end",
            "closed_at",
            "close_source",
            "reopened_until",
            "locked",
        ]
        read_only_fields = fields

    def get_grades(self, period) -> list[int]:
        return [period.structure.grade_from, period.structure.grade_to]

    def get_locked(self, period) -> bool:
        from django.utils import timezone

        return period.is_locked(timezone.now())


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    hours = serializers.IntegerField(min_value=1, max_value=48, default=48)


class SubjectSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)

    class Meta:
        model = Subject
        fields = ["id", "name", "short_name", "kind", "federal_code", "area", "is_active"]
        read_only_fields = ["id"]
        extra_kwargs = {"name": {"validators": []}}


class CatalogueSubjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    area = serializers.CharField()
    grades = serializers.ListField(child=serializers.IntegerField())
    added = serializers.BooleanField()


class CatalogueAddSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, max_length=100
    )


class RoomSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=RoomKind.choices, default=RoomKind.CLASSROOM)

    class Meta:
        model = Room
        fields = ["id", "number", "name", "kind", "capacity", "is_active"]
        read_only_fields = ["id"]
        extra_kwargs = {"number": {"validators": []}, "capacity": {"max_value": 1000}}


class GradingAssignmentSerializer(serializers.ModelSerializer):
    system = serializers.PrimaryKeyRelatedField(queryset=GradingSystem.objects.all())
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), allow_null=True, required=False, default=None
    )
    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.all(), allow_null=True, required=False, default=None
    )
    grade_from = serializers.IntegerField(min_value=1, max_value=11, default=1)
    grade_to = serializers.IntegerField(min_value=1, max_value=11, default=11)

    class Meta:
        model = GradingAssignment
        fields = ["id", "system", "subject", "school_class", "grade_from", "grade_to"]
        read_only_fields = ["id"]


class LocalActSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LocalActKind.choices)
    published = serializers.SerializerMethodField()

    class Meta:
        model = LocalAct
        fields = [
            "id",
            "title",
            "kind",
            "order_number",
            "order_date",
            "is_public",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "published",
            "published_at",
        ]
        read_only_fields = fields

    def get_published(self, act) -> bool:
        return act.published_at is not None


class LocalActUploadSerializer(OrderSerializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=LocalActKind.choices)
    is_public = serializers.BooleanField(default=False)
    file = serializers.FileField(max_length=200)


class PublishSerializer(serializers.Serializer):
    published = serializers.BooleanField()


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    deadline = serializers.DateField(allow_null=True)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    items = ChecklistItemSerializer(many=True)


class DifferenceSerializer(serializers.Serializer):
    section = serializers.CharField()
    item = serializers.CharField()
    template = serializers.CharField()
    school = serializers.CharField()


class TemplateStateSerializer(serializers.Serializer):
    published_version = serializers.IntegerField(allow_null=True)
    adopted_version = serializers.IntegerField(allow_null=True)
    newer_available = serializers.BooleanField()
    differences = DifferenceSerializer(many=True)


class AdoptSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    sections = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["calendar", "structures", "grading", "work_types", "regulation"]
        ),
        allow_empty=False,
    )
