from rest_framework import serializers

from tenants.configuration.models import AcademicYear, Subject
from tenants.people.choices import (
    Applicant,
    Channel,
    Decision,
    FormOfEducation,
    GroupKind,
    MovementKind,
    Position,
    Relation,
)
from tenants.people.models import (
    Consent,
    Group,
    Guardian,
    Movement,
    SchoolClass,
    Staff,
    Student,
    Teaching,
)

NAME = {"max_length": 100}


class NamesSerializer(serializers.Serializer):
    last_name = serializers.CharField(**NAME)
    first_name = serializers.CharField(**NAME)
    middle_name = serializers.CharField(required=False, allow_blank=True, default="", **NAME)


class OrderFieldsSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=50)
    order_date = serializers.DateField()


class ClassOrGroupSerializer(serializers.Serializer):
    """A class or a group (exactly one), each with its year loaded: the base of the write
    serializers of things given to a class or a group (timetable, plans, control works…)."""

    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.select_related("year"),
        required=False,
        allow_null=True,
        default=None,
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.select_related("year"),
        required=False,
        allow_null=True,
        default=None,
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (attrs.get("school_class") is None) == (attrs.get("group") is None):
            raise serializers.ValidationError({"class": ["Укажите класс или группу."]})
        return attrs


# --- staff


class StaffSerializer(serializers.ModelSerializer):
    positions = serializers.ListField(child=serializers.ChoiceField(choices=Position.choices))
    active = serializers.SerializerMethodField()

    class Meta:
        model = Staff
        fields = [
            "id",
            "last_name",
            "first_name",
            "middle_name",
            "positions",
            "email",
            "phone",
            "contract_start",
            "contract_end",
            "user_id",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, staff) -> bool:
        return staff.deactivated_at is None


class StaffWriteSerializer(NamesSerializer):
    positions = serializers.ListField(
        child=serializers.ChoiceField(choices=Position.choices), allow_empty=False, max_length=9
    )
    contract_start = serializers.DateField()
    contract_end = serializers.DateField(required=False, allow_null=True, default=None)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class StaffAlertsSerializer(serializers.Serializer):
    grant_overdue = StaffSerializer(many=True)
    revoke_overdue = StaffSerializer(many=True)


class DeactivateSerializer(serializers.Serializer):
    contract_end = serializers.DateField()


# --- students and guardians


class GuardianBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="guardian.id")
    name = serializers.CharField(source="guardian.full_name")
    relation = serializers.CharField()
    phone = serializers.CharField(source="guardian.phone")
    email = serializers.CharField(source="guardian.email")


class StudentSerializer(serializers.ModelSerializer):
    school_class = serializers.SerializerMethodField()
    guardians = GuardianBriefSerializer(source="active_links", many=True, read_only=True)

    class Meta:
        model = Student
        fields = [
            "id",
            "last_name",
            "first_name",
            "middle_name",
            "birth_date",
            "form_of_education",
            "individual_curriculum",
            "status",
            "email",
            "phone",
            "school_class",
            "guardians",
            "diary_service_ended_at",
            "diary_service_end_reason",
        ]
        read_only_fields = fields

    def get_school_class(self, student) -> str | None:
        current = getattr(student, "current_classes", None)
        return current[0].school_class.name if current else None


class StudentWriteSerializer(NamesSerializer):
    birth_date = serializers.DateField()
    form_of_education = serializers.ChoiceField(
        choices=FormOfEducation.choices, default=FormOfEducation.FULL_TIME
    )
    individual_curriculum = serializers.BooleanField(default=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class EnrolSerializer(StudentWriteSerializer, OrderFieldsSerializer):
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all())
    date = serializers.DateField()


class GuardianLinkSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=Relation.choices)
    guardian = serializers.PrimaryKeyRelatedField(
        queryset=Guardian.objects.all(), required=False, allow_null=True, default=None
    )
    last_name = serializers.CharField(required=False, allow_blank=True, default="", **NAME)
    first_name = serializers.CharField(required=False, allow_blank=True, default="", **NAME)
    middle_name = serializers.CharField(required=False, allow_blank=True, default="", **NAME)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class GuardianSerializer(serializers.ModelSerializer):
    children = serializers.SerializerMethodField()

    class Meta:
        model = Guardian
        fields = ["id", "last_name", "first_name", "middle_name", "email", "phone", "children"]
        read_only_fields = fields

    def get_children(self, guardian) -> list[dict]:
        return [
            {"student": link.student_id, "relation": link.relation}
            for link in getattr(guardian, "active_links", [])
        ]


class TransferSerializer(OrderFieldsSerializer):
    to_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all())
    date = serializers.DateField()


class LeaveSerializer(OrderFieldsSerializer):
    kind = serializers.ChoiceField(
        choices=[
            (k, label)
            for k, label in MovementKind.choices
            if k in {"withdrawal", "transfer_out", "expulsion", "graduation"}
        ]
    )
    date = serializers.DateField()
    destination = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


# --- classes, groups, teaching, movements


class SchoolClassSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    students = serializers.IntegerField(read_only=True, source="students_count", default=None)

    class Meta:
        model = SchoolClass
        fields = ["id", "year", "grade", "letter", "name", "class_teacher", "students"]
        read_only_fields = fields


class SchoolClassWriteSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    grade = serializers.IntegerField(min_value=1, max_value=11)
    letter = serializers.CharField(max_length=4)
    class_teacher = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.all(), required=False, allow_null=True, default=None
    )


class MemberSerializer(serializers.Serializer):
    student = serializers.IntegerField(source="student.id")
    name = serializers.CharField(source="student.full_name")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "year", "kind", "name", "subject", "classes"]
        read_only_fields = fields


class GroupWriteSerializer(serializers.Serializer):
    year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    name = serializers.CharField(max_length=100)
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), required=False, allow_null=True, default=None
    )
    classes = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.all(), many=True, required=False, default=list
    )


class JoinSerializer(serializers.Serializer):
    students = serializers.PrimaryKeyRelatedField(
        queryset=Student.objects.all(), many=True, allow_empty=False
    )
    date = serializers.DateField()


class TeachingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Teaching
        fields = ["id", "staff", "subject", "school_class", "group", "weekly_hours", "start", "end"]
        read_only_fields = ["id", "end"]
        extra_kwargs = {"school_class": {"required": False}, "group": {"required": False}}


class MovementSerializer(serializers.ModelSerializer):
    from_class = serializers.StringRelatedField()
    to_class = serializers.StringRelatedField()
    student_name = serializers.CharField(source="student.full_name")

    class Meta:
        model = Movement
        fields = [
            "id",
            "student",
            "student_name",
            "kind",
            "date",
            "from_class",
            "to_class",
            "order_number",
            "order_date",
            "destination",
        ]
        read_only_fields = fields


class PromoteSerializer(OrderFieldsSerializer):
    from_year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    to_year = serializers.PrimaryKeyRelatedField(queryset=AcademicYear.objects.all())
    graduating_grades = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=11), default=[11]
    )
    keep_back = serializers.PrimaryKeyRelatedField(
        queryset=Student.objects.all(), many=True, required=False, default=list
    )


class PromotionResultSerializer(serializers.Serializer):
    promoted = serializers.IntegerField()
    graduated = serializers.IntegerField()
    classes_created = serializers.ListField(child=serializers.CharField())


# --- import and export


class ImportStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["students", "staff", "classes", "groups"])
    file = serializers.FileField(max_length=200)
    dry_run = serializers.BooleanField(default=True)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    order_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    order_date = serializers.DateField(required=False, allow_null=True, default=None)
    create_classes = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if attrs["order_number"] and attrs["order_date"] is None:
            raise serializers.ValidationError({"order_date": ["Укажите дату приказа."]})
        return attrs


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    dry_run = serializers.BooleanField()
    status = serializers.CharField()
    progress = serializers.DictField()
    report = serializers.JSONField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class CredentialsSerializer(serializers.Serializer):
    students = serializers.PrimaryKeyRelatedField(
        queryset=Student.objects.all(), many=True, required=False, default=list
    )
    guardians = serializers.PrimaryKeyRelatedField(
        queryset=Guardian.objects.all(), many=True, required=False, default=list
    )
    staff = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.all(), many=True, required=False, default=list
    )

    def validate(self, attrs):
        if not (attrs["students"] or attrs["guardians"] or attrs["staff"]):
            raise serializers.ValidationError({"students": ["Выберите, кому выдать доступ."]})
        return attrs


# --- consents


class ConsentSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name", read_only=True)
    guardian_name = serializers.CharField(source="guardian.full_name", read_only=True, default=None)

    class Meta:
        model = Consent
        fields = [
            "id",
            "number",
            "registered_on",
            "student",
            "student_name",
            "guardian",
            "guardian_name",
            "applicant",
            "decision",
            "channels",
            "access_due_on",
            "access_granted_on",
            "withdrawn_on",
            "withdrawal_number",
            "withdrawal_reason",
        ]
        read_only_fields = fields


class ConsentWriteSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    guardian = serializers.PrimaryKeyRelatedField(
        queryset=Guardian.objects.all(), required=False, allow_null=True, default=None
    )
    applicant = serializers.ChoiceField(choices=Applicant.choices)
    decision = serializers.ChoiceField(choices=Decision.choices)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False, default=list
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=250)
    stop = serializers.BooleanField(default=False)
