from rest_framework import serializers

from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people.models import Group, SchoolClass, Staff
from tenants.timetable.models import BellSchedule, CurriculumLine, TimetableEntry, Weeks


class CurriculumLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CurriculumLine
        fields = ["id", "year", "grade", "profile", "subject", "hours", "school_part"]
        read_only_fields = ["id"]
        validators = []


class CurriculumWriteSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    grade = serializers.IntegerField(min_value=1, max_value=11)
    profile = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=12)
    school_part = serializers.BooleanField(default=False)


class BellSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=0, max_value=12)
    start = serializers.TimeField()
    end = serializers.TimeField()


class BellScheduleSerializer(serializers.ModelSerializer):
    bells = BellSerializer(many=True, read_only=True)

    class Meta:
        model = BellSchedule
        fields = ["id", "name", "is_default", "bells"]
        read_only_fields = fields


class BellScheduleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    is_default = serializers.BooleanField(default=False)
    bells = BellSerializer(many=True, allow_empty=False, max_length=13)


class TimetableEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.name")
    teacher_name = serializers.CharField(source="teacher.short_name")
    room_number = serializers.CharField(source="room.number", default=None)

    class Meta:
        model = TimetableEntry
        fields = [
            "id",
            "school_class",
            "group",
            "unit",
            "subject",
            "subject_name",
            "teacher",
            "teacher_name",
            "room",
            "room_number",
            "weekday",
            "number",
            "weeks",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields

    def get_unit(self, entry) -> str:
        return entry.school_class.name if entry.school_class_id else entry.group.name


class TimetableEntryWriteSerializer(serializers.Serializer):
    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.all(), required=False, allow_null=True, default=None
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True, default=None
    )
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    teacher = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), required=False, allow_null=True, default=None
    )
    weekday = serializers.IntegerField(min_value=1, max_value=6)
    number = serializers.IntegerField(min_value=0, max_value=12)
    weeks = serializers.ChoiceField(choices=Weeks.choices, default=Weeks.EVERY)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class MakeLessonsSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    start = serializers.DateField(required=False, allow_null=True, default=None)


class LessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    number = serializers.IntegerField()
    school_class = serializers.IntegerField(source="school_class_id", allow_null=True)
    group = serializers.IntegerField(source="group_id", allow_null=True)
    subject = serializers.IntegerField(source="subject_id")
    teacher = serializers.IntegerField(source="teacher_id")
    room = serializers.IntegerField(source="room_id", allow_null=True)
    has_journal_data = serializers.BooleanField()
    substitute = serializers.IntegerField(source="substitute_id", allow_null=True)
    substitution_reason = serializers.CharField()
    moved_from = serializers.DateField(allow_null=True)


class MakeLessonsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    deleted = serializers.IntegerField()
    conflicts = LessonSerializer(many=True)


class SubstituteSerializer(serializers.Serializer):
    substitute = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    reason = serializers.CharField(max_length=200)


class MoveSerializer(serializers.Serializer):
    date = serializers.DateField()
    number = serializers.IntegerField(min_value=0, max_value=12)
    reason = serializers.CharField(max_length=200)
