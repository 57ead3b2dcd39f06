from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "casework.assurance"
    label = "assurance"

    def ready(self) -> None:
        from casework.assurance import audit_events  # noqa: F401
