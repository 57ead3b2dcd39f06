from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import ApiToken, SignInAttempt, User, hash_token
from casework.audit.services import audit_record
from casework.core.errors import NotFound


@transaction.atomic
def api_token_issue(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a new token for `user`; returns the row and the raw token (shown once, never stored)."""
    raw = "cw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:9], token_hash=hash_token(raw))
    audit_record(event="api_token.issued", actor=actor, target=user, data={"token": str(token.pk), "name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token_id: str) -> ApiToken:
    """Revoke a token: it stops authenticating at once (401). Raises NotFound for an unknown or already revoked
    token. Audits `api_token.revoked`."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("No active API token with that id.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(event="api_token.revoked", actor=actor, target=token.user, data={"token": str(token.pk)})
    return token


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- Sign-in: lock-out after repeated failures ------------------------------------------------------------------

LOCKED_OUT = (
    "Too many failed sign-in attempts. Wait {minutes} minutes and try again, or ask your system administrator "
    "to check your account."
)


def _lockout_window_start() -> Any:
    return timezone.now() - dt.timedelta(minutes=settings.CASEWORK_LOGIN_LOCKOUT_MINUTES)


def sign_in_locked_out(*, username: str, ip: str | None) -> bool:
    """Whether sign-in for this username, or from this address, is refused for now: too many failures (password
    or second factor) within the window. Applies to unknown usernames too, so it tells nothing about which
    accounts exist."""
    failures = SignInAttempt.objects.filter(attempted_at__gte=_lockout_window_start(), succeeded=False)
    if failures.filter(username__iexact=username).count() >= settings.CASEWORK_LOGIN_LOCKOUT_ATTEMPTS:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= settings.CASEWORK_LOGIN_LOCKOUT_IP_ATTEMPTS


def sign_in_attempt_record(*, username: str, ip: str | None, succeeded: bool, stage: str = "password") -> None:
    """Keep one attempt for the lock-out count. Written outside any request transaction on purpose: a failed
    sign-in must count even though nothing else about the request is saved."""
    SignInAttempt.objects.create(
        username=username[:150], ip=ip or None, attempted_at=timezone.now(), succeeded=succeeded, stage=stage
    )
