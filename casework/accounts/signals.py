"""Sign-in, failed sign-in and sign-out go to the audit log. Django announces them with signals (the only way to
hear about every sign-in path, admin included); the receivers only record, they decide nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from casework.accounts.services import sign_in_attempt_record
from casework.audit.services import audit_record


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="casework_audit_signed_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and request.method == "POST":
        # A password sign-in (force_login in tests and other internal logins are not attempts).
        sign_in_attempt_record(username=user.get_username(), ip=_ip(request), succeeded=True)
    audit_record(event="auth.signed_in", actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="casework_audit_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))  # Django has already masked the password
    sign_in_attempt_record(username=username, ip=_ip(request), succeeded=False)
    audit_record(event="auth.sign_in_failed", actor=None, data={"username": username, "via": "password"})


@receiver(user_logged_out, dispatch_uid="casework_audit_signed_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit_record(event="auth.signed_out", actor=user, target=user)
