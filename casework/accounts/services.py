from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import ApiToken, User, hash_token
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
