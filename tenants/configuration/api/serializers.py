from rest_framework import serializers

from tenants.configuration.choices import HolidayKind, PeriodKind
from tenants.configuration.models import AcademicYear, HolidayPeriod, Period, PeriodStructure


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
