from rest_framework import serializers

from tenants.configuration.models import Period, Subject, WorkType
from tenants.people.api.serializers import ClassOrGroupSerializer
from tenants.people.models import SchoolClass, Staff, Student
from tenants.timetable.models import Lesson


class GridQuerySerializer(ClassOrGroupSerializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    period = serializers.PrimaryKeyRelatedField(queryset=Period.objects.select_related("structure"))


class TaskWriteSerializer(serializers.Serializer):
    lesson = serializers.PrimaryKeyRelatedField(queryset=Lesson.objects.all())
    work_type = serializers.PrimaryKeyRelatedField(
        queryset=WorkType.objects.all(), required=False, allow_null=True, default=None
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lesson = serializers.IntegerField(source="lesson_id")
    work_type = serializers.IntegerField(source="work_type_id")
    title = serializers.CharField()


class MarkChangeSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    student = serializers.IntegerField()
    value = serializers.CharField(max_length=10, allow_blank=True)
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AttendanceChangeSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    student = serializers.IntegerField()
    code = serializers.CharField(max_length=8, allow_blank=True)
    late_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TopicChangeSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    topic = serializers.CharField(max_length=500, allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SaveSerializer(serializers.Serializer):
    marks = MarkChangeSerializer(many=True, required=False, default=list, max_length=5000)
    attendance = AttendanceChangeSerializer(
        many=True, required=False, default=list, max_length=5000
    )
    topics = TopicChangeSerializer(many=True, required=False, default=list, max_length=500)


class ConflictSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.DictField()
    current = serializers.DictField(allow_null=True)


class SaveResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    conflicts = ConflictSerializer(many=True)
    marks = serializers.ListField(child=serializers.DictField())
    attendance = serializers.ListField(child=serializers.DictField())
    topics = serializers.ListField(child=serializers.DictField())


class PeriodMarkChangeSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    value = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    notation = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    defer_until = serializers.DateField(required=False, allow_null=True, default=None)
    defer_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PeriodMarksSerializer(GridQuerySerializer):
    marks = PeriodMarkChangeSerializer(many=True, max_length=200)


class CorrectionWriteSerializer(GridQuerySerializer):
    changes = serializers.DictField()
    reason = serializers.CharField(max_length=2000)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requested_by = serializers.IntegerField(source="requested_by_id")
    requested_by_name = serializers.CharField(source="requested_by.short_name")
    requested_at = serializers.DateTimeField()
    school_class = serializers.IntegerField(source="school_class_id", allow_null=True)
    group = serializers.IntegerField(source="group_id", allow_null=True)
    subject = serializers.IntegerField(source="subject_id")
    period = serializers.IntegerField(source="period_id")
    changes = serializers.DictField()
    reason = serializers.CharField()
    status = serializers.CharField()
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    result = serializers.DictField(allow_null=True)


class InvalidateSerializer(serializers.Serializer):
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    since = serializers.DateTimeField(required=False, allow_null=True, default=None)


class MakeupSerializer(serializers.Serializer):
    lesson = serializers.PrimaryKeyRelatedField(queryset=Lesson.objects.all())
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    work_type = serializers.PrimaryKeyRelatedField(queryset=WorkType.objects.all())
    value = serializers.CharField(max_length=10)
    protocol = serializers.CharField(max_length=50)
    protocol_date = serializers.DateField()


class DowngradeNoticeSerializer(serializers.Serializer):
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all())
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    period = serializers.PrimaryKeyRelatedField(queryset=Period.objects.select_related("structure"))
    intended = serializers.CharField(max_length=10)
    # accepted from older clients and ignored: the service computes the average from the marks
    average = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=2000)


class ExamResultSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    kind = serializers.CharField(max_length=10)
    held_on = serializers.DateField()
    value = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    score = serializers.IntegerField(required=False, allow_null=True, default=None)


class SummaryQuerySerializer(serializers.Serializer):
    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.select_related("year")
    )


class AbsenceCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    label = serializers.CharField(max_length=60)
    counts_present = serializers.BooleanField(default=False)
    allows_makeup = serializers.BooleanField(default=False)
    is_active = serializers.BooleanField(default=True)


class YearMarkChangeSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    value = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    notation = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class YearMarksSerializer(ClassOrGroupSerializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())
    kind = serializers.ChoiceField(choices=["year", "final"], default="year")
    marks = YearMarkChangeSerializer(many=True, max_length=200)
