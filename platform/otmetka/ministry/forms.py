from django import forms

from otmetka.region.validators import RUSSIAN_TIME_ZONES, validate_inn, validate_school_slug


class SchoolCreateForm(forms.Form):
    short_name = forms.CharField(label="Краткое наименование", max_length=200)
    full_name = forms.CharField(label="Полное наименование", max_length=500)
    slug = forms.CharField(
        label="Адрес в сети",
        max_length=40,
        validators=[validate_school_slug],
        help_text="Латинские строчные буквы, цифры и дефис: школа будет доступна по адресу "
        "<адрес>.<домен региона>.",
    )
    inn = forms.CharField(label="ИНН", max_length=10, validators=[validate_inn])
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=None)
    address = forms.CharField(label="Почтовый адрес", max_length=500, required=False)
    time_zone = forms.ChoiceField(
        label="Часовой пояс",
        required=False,
        choices=[("", "Как у муниципалитета"), *RUSSIAN_TIME_ZONES],
    )
    admin_username = forms.CharField(label="Логин администратора ЭЖ", max_length=150)
    admin_last_name = forms.CharField(label="Фамилия", max_length=100, required=False)
    admin_first_name = forms.CharField(label="Имя", max_length=100, required=False)
    admin_middle_name = forms.CharField(label="Отчество", max_length=100, required=False)
    admin_email = forms.EmailField(label="E-mail", required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].pk


class SchoolStatusForm(forms.Form):
    reason = forms.CharField(
        label="Основание", max_length=500, help_text="Например, номер и дата приказа."
    )
