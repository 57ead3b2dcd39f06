from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "casework.reviews"
    label = "reviews"

    def ready(self) -> None:
        from casework.reviews import audit_events  # noqa: F401
