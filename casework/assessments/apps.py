from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"

    def ready(self) -> None:
        from casework.assessments import audit_events  # noqa: F401
