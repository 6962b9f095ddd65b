from rest_framework import serializers

from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people.api.serializers import ClassOrGroupSerializer
from tenants.people.models import Staff, Student
from tenants.timetable.models import (
    BellSchedule,
    CurriculumLine,
    HomeworkMethod,
    Lesson,
    LessonPlan,
    PlanTopic,
    TimetableEntry,
    Weeks,
)


class CurriculumLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CurriculumLine
        fields = ["id", "year", "grade", "profile", "subject", "hours", "school_part", "student"]
        read_only_fields = ["id"]
        validators = []


class CurriculumWriteSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    grade = serializers.IntegerField(min_value=1, max_value=11)
    profile = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=12)
    school_part = serializers.BooleanField(default=False)
    student = serializers.PrimaryKeyRelatedField(
        queryset=Student.objects.all(), required=False, allow_null=True, default=None
    )


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


class TimetableEntryWriteSerializer(ClassOrGroupSerializer):
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


# --- lesson plans (TTB-06)


class PlanTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True, default=None)
    position = serializers.IntegerField(read_only=True)
    section = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=500)
    hours = serializers.IntegerField(min_value=1, max_value=200, default=1)


class LessonPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField(source="year_id")
    school_class = serializers.IntegerField(source="school_class_id", allow_null=True)
    group = serializers.IntegerField(source="group_id", allow_null=True)
    unit = serializers.CharField(source="unit.name")
    subject = serializers.IntegerField(source="subject_id")
    subject_name = serializers.CharField(source="subject.name")
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.CharField(source="author.short_name")
    programme = serializers.CharField()
    updated_at = serializers.DateTimeField()


class LessonPlanDetailSerializer(LessonPlanSerializer):
    topics = PlanTopicSerializer(many=True, source="topics.all")


class LessonPlanWriteSerializer(ClassOrGroupSerializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    programme = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PlanTopicsWriteSerializer(serializers.Serializer):
    topics = PlanTopicSerializer(many=True, max_length=400)


class PlanCopySerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=LessonPlan.objects.all())


class PlanImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class TopicProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="topic.pk")
    title = serializers.CharField(source="topic.title")
    planned = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    delivered = serializers.IntegerField()
    first = serializers.DateField(allow_null=True)
    last = serializers.DateField(allow_null=True)


class PlanProgressSerializer(serializers.Serializer):
    planned_hours = serializers.IntegerField()
    lessons_in_year = serializers.IntegerField()
    lessons_due = serializers.IntegerField()
    delivered = serializers.IntegerField()
    behind = serializers.IntegerField()
    uncovered_hours = serializers.IntegerField()
    topics = TopicProgressSerializer(many=True)


class LessonTopicSerializer(serializers.Serializer):
    lesson = serializers.PrimaryKeyRelatedField(queryset=Lesson.objects.all())
    topic = serializers.PrimaryKeyRelatedField(queryset=PlanTopic.objects.all())


# --- homework (TTB-08) and recommendations (TTB-09)


class HomeworkFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class HomeworkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lesson = serializers.IntegerField(source="lesson_id")
    for_lesson = serializers.IntegerField(source="for_lesson_id", allow_null=True)
    text = serializers.CharField()
    method = serializers.CharField()
    pages = serializers.CharField()
    exercises = serializers.CharField()
    practical = serializers.CharField()
    students = serializers.SerializerMethodField()
    author = serializers.IntegerField(source="author_id")
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    is_late = serializers.BooleanField()
    files = HomeworkFileSerializer(many=True, source="files.all")

    def get_students(self, homework) -> list[int]:
        return [s.pk for s in homework.students.all()]


class HomeworkWriteSerializer(serializers.Serializer):
    lesson = serializers.PrimaryKeyRelatedField(queryset=Lesson.objects.all())
    for_lesson = serializers.PrimaryKeyRelatedField(
        queryset=Lesson.objects.all(), required=False, allow_null=True, default=None
    )
    text = serializers.CharField(max_length=5000)
    method = serializers.ChoiceField(
        choices=HomeworkMethod.choices, required=False, allow_blank=True, default=""
    )
    pages = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    exercises = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    practical = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    students = serializers.PrimaryKeyRelatedField(
        queryset=Student.objects.all(), many=True, required=False, default=list
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5
    )


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    student = serializers.IntegerField(source="student_id")
    subject = serializers.IntegerField(source="subject_id", allow_null=True)
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.CharField(source="author.short_name")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class RecommendationWriteSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), required=False, allow_null=True, default=None
    )
    text = serializers.CharField(max_length=2000)
