from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "casework.reporting"
    label = "reporting"

    def ready(self) -> None:
        from casework.reporting import audit_events  # noqa: F401
