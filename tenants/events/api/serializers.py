from rest_framework import serializers

from tenants.configuration.models import AcademicYear, Subject
from tenants.events.choices import ControlForm, EventLevel, ExamChoiceStatus, ExamKind, ExamLevel
from tenants.events.models import ControlWork, Event, ExamChoice
from tenants.people.api.serializers import ClassOrGroupSerializer
from tenants.people.models import SchoolClass, Student


class ControlWorkSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.name")
    form_label = serializers.CharField(source="get_form_display")

    class Meta:
        model = ControlWork
        fields = [
            "id",
            "school_class",
            "group",
            "unit",
            "subject",
            "subject_name",
            "date",
            "lesson_number",
            "form",
            "form_label",
            "title",
            "notes",
            "created_by",
        ]
        read_only_fields = fields

    def get_unit(self, work) -> str:
        return work.school_class.name if work.school_class_id else work.group.name


class ControlWorkWriteSerializer(ClassOrGroupSerializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    date = serializers.DateField()
    lesson_number = serializers.IntegerField(
        min_value=0, max_value=12, required=False, allow_null=True, default=None
    )
    form = serializers.ChoiceField(choices=ControlForm.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EventSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.name", default=None)

    class Meta:
        model = Event
        fields = [
            "id",
            "level",
            "school_class",
            "class_name",
            "date",
            "end_date",
            "start_time",
            "title",
            "place",
            "description",
            "created_by",
        ]
        read_only_fields = fields


class EventWriteSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=EventLevel.choices)
    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.select_related("year"),
        required=False,
        allow_null=True,
        default=None,
    )
    date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class ExamChoiceSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name")
    year_name = serializers.CharField(source="year.name")
    subject_name = serializers.CharField(source="subject.name")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ExamChoice
        fields = [
            "id",
            "student",
            "student_name",
            "year",
            "year_name",
            "kind",
            "kind_label",
            "subject",
            "subject_name",
            "level",
            "status",
            "submitted_on",
        ]
        read_only_fields = fields


class ExamChoiceWriteSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    kind = serializers.ChoiceField(choices=ExamKind.choices)
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    level = serializers.ChoiceField(
        choices=ExamLevel.choices, required=False, allow_blank=True, default=""
    )
    status = serializers.ChoiceField(
        choices=ExamChoiceStatus.choices, required=False, default=ExamChoiceStatus.DRAFT
    )
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
