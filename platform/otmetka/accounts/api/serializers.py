from rest_framework import serializers

from otmetka.accounts.models import User
from otmetka.accounts.roles import role_label


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Показывается один раз.")
    expires_at = serializers.DateTimeField()


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()
    scopes = serializers.SerializerMethodField()
    school_id = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "roles", "scopes", "school_id"]

    def _caller(self):
        return self.context["caller"]

    def get_roles(self, _user) -> list[dict]:
        caller = self._caller()
        codes = sorted(caller.school_roles | caller.region_roles)
        return [{"code": c, "label": role_label(c)} for c in codes]

    def get_scopes(self, _user) -> list[str]:
        return sorted(self._caller().scopes)

    def get_school_id(self, _user) -> int | None:
        return self._caller().school_id
