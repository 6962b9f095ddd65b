from rest_framework import serializers

from ..choices import Digest, Weekday


class SubscriptionSerializer(serializers.Serializer):
    """The account's own choices (PUT sends all of them)."""

    digest = serializers.ChoiceField(
        Digest.choices, help_text="Сводка на эл. почту: off, daily (20:00), weekly (20:00)."
    )
    digest_weekday = serializers.ChoiceField(
        Weekday.choices, help_text="День еженедельной сводки: 0 — понедельник … 6 — воскресенье."
    )
    sms_marks = serializers.BooleanField(help_text="СМС о новых отметках (и отметках за период).")
    final_marks = serializers.BooleanField(
        help_text="Письмо сразу, как выставлена отметка за период или год."
    )
    email = serializers.CharField(
        max_length=254, allow_blank=True, trim_whitespace=True, help_text="Адрес эл. почты."
    )
    phone = serializers.CharField(
        max_length=32, allow_blank=True, trim_whitespace=True,
        help_text="Мобильный телефон: +7 и 10 цифр.",
    )  # fmt: skip


class CoveredChildSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`<адрес школы>.<номер>`, как в diary/children/")
    name = serializers.CharField()
    email = serializers.BooleanField(help_text="согласие на эл. почту зарегистрировано")
    sms = serializers.BooleanField(help_text="согласие на СМС зарегистрировано")


class SubscriptionOutSerializer(SubscriptionSerializer):
    saved = serializers.BooleanField(
        help_text="false: подписки ещё нет, показаны адрес и телефон из записей школы"
    )
    children = CoveredChildSerializer(
        many=True, help_text="ваши дети и каналы, на которые есть согласие"
    )
