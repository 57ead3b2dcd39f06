"""Reads about accounts that the policies of higher layers build on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from casework.accounts.models import AccessGrant

if TYPE_CHECKING:
    from casework.accounts.models import User


def active_grant_target_ids(*, user: User, target_type: str) -> QuerySet[AccessGrant]:
    """The ids of records of `target_type` this user holds an unexpired break-glass grant for (a values query,
    for use inside `visible_to`)."""
    if not (user.is_authenticated and user.is_active):
        return AccessGrant.objects.none().values_list("target_id", flat=True)  # type: ignore[return-value]
    return AccessGrant.objects.filter(  # type: ignore[return-value]
        user=user, target_type=target_type, expires_at__gt=timezone.now()
    ).values_list("target_id", flat=True)


def has_active_grant(*, user: User, target_type: str, target_id: Any) -> bool:
    return active_grant_target_ids(user=user, target_type=target_type).filter(target_id=target_id).exists()


def active_grant_for(*, user: User, targets: list[tuple[str, Any]]) -> AccessGrant | None:
    """The unexpired break-glass grant through which the user sees a record (the first of `targets`, e.g. the
    case itself then its person), for the audit event of the read: who, when, what, and why."""
    for target_type, target_id in targets:
        grant = (
            AccessGrant.objects.filter(
                user=user, target_type=target_type, target_id=target_id, expires_at__gt=timezone.now()
            )
            .order_by("-expires_at")
            .first()
        )
        if grant is not None:
            return grant
    return None
