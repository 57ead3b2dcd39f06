from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"

    def ready(self) -> None:
        from casework.accounts import audit_events, signals  # noqa: F401
