"""What the messaging API reads and answers. Answers are built as plain rows by the selectors
and shaped here, so the OpenAPI schema describes them."""

from __future__ import annotations

from rest_framework import serializers

from ..models import ThreadRole
from ..services import BODY_MAX, FILES_MAX, REASON_MAX, RECIPIENTS_MAX, SUBJECT_MAX

ACCOUNT_MAX = 2**53  # ids beyond any account; keeps the lookups in range


class StudentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ChildRefSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`<адрес школы>.<номер>`, как в diary/children/")
    name = serializers.CharField()
    school = serializers.CharField()


class ThreadRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    student = StudentRefSerializer()
    child = ChildRefSerializer(required=False, help_text="только в дневнике")
    correspondents = serializers.CharField(help_text="другие участники через запятую")
    my_role = serializers.CharField(
        allow_blank=True,
        help_text="ваша роль в переписке; пусто — директор читает как модератор",
    )
    unread = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()


class ThreadListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    unread_total = serializers.IntegerField()
    results = ThreadRowSerializer(many=True)


class FamilyThreadListSerializer(serializers.Serializer):
    unread_total = serializers.IntegerField()
    results = ThreadRowSerializer(many=True)


class PersonSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=ThreadRole.choices, allow_blank=True)
    role_label = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return self.context["file_url"](attachment["id"])


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = PersonSerializer()
    mine = serializers.BooleanField()
    new = serializers.BooleanField(help_text="не прочитано до этого открытия")
    created_at = serializers.DateTimeField()
    hidden = serializers.BooleanField()
    body = serializers.CharField(help_text="у скрытого: «Сообщение скрыто администрацией.»")
    attachments = AttachmentSerializer(many=True)
    hidden_reason = serializers.CharField(required=False, help_text="только директору")


class ThreadDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    student = StudentRefSerializer()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    participants = PersonSerializer(many=True)
    can_post = serializers.BooleanField()
    moderator = serializers.BooleanField()
    messages = MessageSerializer(many=True)


class RecipientSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ThreadRole.choices)
    role_label = serializers.CharField()
    name = serializers.CharField()
    detail = serializers.CharField(help_text="предметы учителя или кем приходится представитель")


# --- input


class MessagePostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, allow_blank=True, required=False, default="")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=FILES_MAX
    )


class ThreadStartSerializer(MessagePostSerializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX)
    recipients = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ACCOUNT_MAX),
        required=False,
        default=list,
        max_length=RECIPIENTS_MAX,
        help_text="учётные записи из recipients/",
    )


class StaffThreadStartSerializer(ThreadStartSerializer):
    student = serializers.IntegerField(min_value=1, max_value=ACCOUNT_MAX)
    all_guardians = serializers.BooleanField(
        required=False, default=False,
        help_text="всем законным представителям, которым открыт дневник",
    )  # fmt: skip


class HideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class RestoreSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX, required=False, allow_blank=True, default=""
    )
