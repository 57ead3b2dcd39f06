from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "casework.panels"
    label = "panels"

    def ready(self) -> None:
        from casework.panels import audit_events  # noqa: F401
