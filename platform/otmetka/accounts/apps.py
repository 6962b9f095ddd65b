from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "otmetka.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self) -> None:
        from . import memberships, schema  # noqa: F401 - signals; the OpenAPI extension
