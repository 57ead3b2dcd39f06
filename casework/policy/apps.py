from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "casework.policy"
    label = "policy"

    def ready(self) -> None:
        from casework.policy import audit_events  # noqa: F401
