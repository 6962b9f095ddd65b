from rest_framework import serializers

from tenants.configuration.choices import FormOfControl, GradingKind, HolidayKind, PeriodKind
from tenants.configuration.models import (
    AcademicYear,
    Conversion,
    GradeValue,
    GradingSystem,
    HolidayPeriod,
    Notation,
    Period,
    PeriodStructure,
    WorkType,
)


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
