from django import forms

from .choices import Digest, Weekday


class SubscriptionForm(forms.Form):
    """The page's form; the rules (addresses, who may have SMS) are the service's, so the page
    and the API refuse the same things with the same messages."""

    digest = forms.ChoiceField(
        label="Сводка на эл. почту", choices=Digest.choices, widget=forms.RadioSelect
    )
    digest_weekday = forms.TypedChoiceField(
        label="День недели для еженедельной сводки", choices=Weekday.choices, coerce=int
    )
    final_marks = forms.BooleanField(
        label="Сразу письмо, когда выставлена отметка за период или год", required=False
    )
    email = forms.CharField(label="Эл. почта", max_length=254, required=False)
    sms_marks = forms.BooleanField(label="СМС о новых отметках", required=False)
    phone = forms.CharField(label="Мобильный телефон", max_length=32, required=False)
