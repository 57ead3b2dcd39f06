from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import LocalAuthority
from casework.core.errors import DomainError
from casework.policy.models import PolicyVersion


class NoPolicyInForce(DomainError):
    code = "no_policy_in_force"
    status = 500


def policy_in_force(*, local_authority: LocalAuthority | None, on: dt.date) -> PolicyVersion:
    """The pilot policy covering this area on that date if there is one, else the national policy."""
    candidates = PolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    if local_authority is not None:
        pilot = candidates.filter(is_pilot=True, pilot_areas=local_authority).first()
        if pilot is not None:
            return pilot
    national = candidates.filter(is_pilot=False).first()
    if national is None:
        raise NoPolicyInForce(
            f"No national policy version is in force on {on:%d %B %Y}. An administrator must create one "
            "(Admin → Policy versions) before decisions can be recorded."
        )
    return national


def policy_mark_used(policy: PolicyVersion) -> None:
    """Freeze a policy version the first time a decision or schedule cites it."""
    if policy.locked_at is None:
        with transaction.atomic():
            PolicyVersion.objects.filter(pk=policy.pk, locked_at__isnull=True).update(locked_at=timezone.now())
        policy.locked_at = timezone.now()
