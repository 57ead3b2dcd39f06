from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "casework.support"
    label = "support"

    def ready(self) -> None:
        from casework.support import audit_events  # noqa: F401
