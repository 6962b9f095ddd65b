from django.conf import settings
from rest_framework import serializers

from otmetka.region.models import Municipality, RegionTemplate, School
from otmetka.region.routing import school_url
from otmetka.region.validators import (
    validate_inn,
    validate_school_slug,
    validate_time_zone,
)


def _django_validator(validator):
    from django.core.exceptions import ValidationError

    def run(value):
        try:
            validator(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    return run


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "code", "time_zone"]


class SchoolSerializer(serializers.ModelSerializer):
    municipality = MunicipalitySerializer(read_only=True)
    url = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "slug",
            "full_name",
            "short_name",
            "inn",
            "address",
            "time_zone",
            "municipality",
            "status",
            "status_label",
            "status_reason",
            "created_at",
            "activated_at",
            "status_changed_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, school: School) -> str:
        return school_url(school.slug)


class SchoolAdminInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class SchoolCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(
        max_length=40, validators=[_django_validator(validate_school_slug)]
    )
    full_name = serializers.CharField(max_length=500)
    short_name = serializers.CharField(max_length=200)
    inn = serializers.CharField(max_length=10, validators=[_django_validator(validate_inn)])
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(
        max_length=64, required=False, validators=[_django_validator(validate_time_zone)]
    )
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.none())
    admin = SchoolAdminInputSerializer()

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities

    def validate(self, attrs):
        if not attrs.get("time_zone"):
            municipality = attrs["municipality"]
            attrs["time_zone"] = municipality.time_zone or municipality.region.default_time_zone
        return attrs


class SchoolStatusSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SchoolCreatedSerializer(serializers.Serializer):
    school = SchoolSerializer()
    admin_username = serializers.CharField(allow_null=True)
    admin_password = serializers.CharField(
        help_text="Одноразовый пароль администратора; показывается один раз.", allow_blank=True
    )
    method = serializers.ChoiceField(choices=["template", "migrations"])
    base_domain = serializers.SerializerMethodField()

    def get_base_domain(self, _obj) -> str:
        return settings.BASE_DOMAIN


class RegionTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionTemplate
        fields = ["id", "version", "is_published", "content", "note", "created_at", "published_at"]
        read_only_fields = fields


class RegionTemplateWriteSerializer(serializers.Serializer):
    content = serializers.DictField(
        help_text="Sections: calendar, structures, grading, work_types, regulation."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CompletenessTotalsSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    done = serializers.IntegerField()
    not_done = serializers.IntegerField()
