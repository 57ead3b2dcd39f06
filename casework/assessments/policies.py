"""Handovers to non-CT services. The receiving service's account sees its own handovers — what was asked, the
person's name and the contact — and never the Prevent case behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from casework.accounts.models import Role
from casework.assessments.models import Handover

if TYPE_CHECKING:
    from casework.accounts.models import User


class HandoverPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Handover]:
        handovers = Handover.objects.all()
        if not (user.is_authenticated and user.is_active):
            return handovers.none()
        if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
            return handovers.filter(case__region_id=user.region_id)
        if user.role == Role.INTERVENTION_PROVIDER:
            return handovers.filter(receiving_user=user)
        return handovers.none()

    @staticmethod
    def can_respond(user: User, handover: Handover) -> bool:
        """The receiving service, or the police who own the referral, record engagement or raise a re-referral."""
        return (
            HandoverPolicy.visible_to(user)
            .filter(Q(pk=handover.pk) & (Q(receiving_user=user) | Q(case__region_id=user.region_id)))
            .exists()
        )
