from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from casework.accounts.models import Role


def needs_second_factor(user: object) -> bool:
    """Every staff role signs in with a second factor; a referrer's account (it sees only its own receipts) and
    the anonymous public do not."""
    if not settings.CASEWORK_OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "role", None) != Role.REFERRER and not user.is_verified()  # type: ignore[attr-defined]


class SecondFactorRequiredMiddleware:
    """After the password, a staff user reaches nothing but the second-factor pages (and sign-out) until they
    have entered a TOTP code: set up their authenticator app first if they have none. The API is not affected:
    it authenticates with per-user tokens, not sessions."""

    EXEMPT_NAMES = ("login", "logout", "otp-verify", "otp-setup")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request.user) and not self._exempt(request.path):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(request.user, confirmed=True))
            target = reverse("otp-verify" if has_device else "otp-setup")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _exempt(self, path: str) -> bool:
        if path.startswith(("/api/", settings.STATIC_URL)):
            return True
        return path in {reverse(name) for name in self.EXEMPT_NAMES}


class AuditPageDenialsMiddleware:
    """A page that refuses a signed-in user (403) leaves an `auth.permission_denied` event, as the API does for
    its operations; a refused cross-site (CSRF) post is recorded too. Written after the view, outside its
    transaction, so the record survives the view's rollback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and not request.path.startswith("/api/"):
            from casework.audit.services import audit_record

            user = getattr(request, "user", None)
            audit_record(
                event="auth.permission_denied",
                actor=user if user is not None and user.is_authenticated else None,
                data={"path": request.path, "method": request.method},
            )
        return response
