from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casework.referrals"
    label = "referrals"

    def ready(self) -> None:
        from casework.referrals import audit_events  # noqa: F401
