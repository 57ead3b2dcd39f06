from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casework.people"
    label = "people"

    def ready(self) -> None:
        from casework.people import audit_events  # noqa: F401
