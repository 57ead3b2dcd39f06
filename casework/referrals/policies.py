"""Who may see and do what with cases and referrals: one policy per entity, deny by default.

The list selectors and the single-object access functions are both derived from `visible_to`, so a record a
user may not see is a 404 everywhere — the same answer as a record that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet

from casework.accounts.models import Role
from casework.accounts.selectors import active_grant_target_ids
from casework.core.dates import today
from casework.referrals.models import Case, Referral
from casework.referrals.states import CHANNEL_OPEN_STATUSES

if TYPE_CHECKING:
    from casework.accounts.models import User

# Panel members see a case while it is on the agenda of a meeting they are invited to: from the invitation
# until this many days after the meeting (time to record their agency's actions).
PANEL_MEMBER_ACCESS_DAYS_AFTER_MEETING = 14


class CaseAction(models.TextChoices):
    VIEW = "view"
    SCREEN = "screen"
    ASSESS = "assess"
    DECIDE = "decide"
    COUNTERSIGN = "countersign"
    MANAGE_PANEL = "manage_panel"
    RECORD_CONSENT = "record_consent"
    MANAGE_SUPPORT = "manage_support"
    RECORD_PROGRESS = "record_progress"
    CLOSE = "close"
    COMPLETE_REVIEW = "complete_review"
    COMPLETE_ASSURANCE_REVIEW = "complete_assurance_review"
    EXTEND_MONITORING = "extend_monitoring"
    VIEW_AUDIT = "view_audit"
    # The case's history and reviews, beyond the minimum (reference, status) that an intervention provider needs.
    VIEW_DETAIL = "view_detail"


POLICE_ACTIONS = frozenset(
    {CaseAction.SCREEN, CaseAction.ASSESS, CaseAction.DECIDE, CaseAction.COMPLETE_ASSURANCE_REVIEW}
)
CHAIR_ACTIONS = frozenset(
    {
        CaseAction.MANAGE_PANEL,
        CaseAction.RECORD_CONSENT,
        CaseAction.MANAGE_SUPPORT,
        CaseAction.RECORD_PROGRESS,
        CaseAction.CLOSE,
        CaseAction.COMPLETE_REVIEW,
        CaseAction.EXTEND_MONITORING,
        CaseAction.VIEW_AUDIT,
    }
)


def _panel_member_window_start() -> dt.date:
    return today() - dt.timedelta(days=PANEL_MEMBER_ACCESS_DAYS_AFTER_MEETING)


class CasePolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Case]:
        """The cases this user may see: their scope, plus any record they opened break-glass (view only) while the
        grant lasts. A person grant opens that person's cases (the whole history, any region)."""
        scoped = CasePolicy.in_scope(user)
        if not (user.is_authenticated and user.is_active):
            return scoped
        case_grants = active_grant_target_ids(user=user, target_type="case")
        person_grants = active_grant_target_ids(user=user, target_type="person")
        if not (case_grants.exists() or person_grants.exists()):
            return scoped
        return Case.objects.filter(
            Q(pk__in=scoped.values("pk")) | Q(pk__in=case_grants) | Q(person_id__in=person_grants)
        )

    @staticmethod
    def in_scope(user: User) -> QuerySet[Case]:
        """The cases of the user's own scope, where their role may act (deny by default)."""
        cases = Case.objects.all()
        if not (user.is_authenticated and user.is_active):
            return cases.none()
        role = user.role
        if role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
            return cases.filter(region_id=user.region_id)
        if role == Role.CHANNEL_CHAIR and user.local_authority_id:
            # The chair sees their area's cases once referred to the panel, or earlier where the referral was
            # routed to the local authority too (Wales).
            return (
                cases.filter(local_authority_id=user.local_authority_id)
                .filter(Q(panel_referred_at__isnull=False) | Q(referrals__copied_to_local_authority=True))
                .distinct()
            )
        if role == Role.PANEL_MEMBER and user.local_authority_id:
            # Reverse lookups only (no import of the panels app): the agenda is the member's need to know.
            return (
                cases.filter(
                    local_authority_id=user.local_authority_id,
                    agenda_items__meeting__invitations__user=user,
                    agenda_items__meeting__date__gte=_panel_member_window_start(),
                )
                .exclude(agenda_items__meeting__status="cancelled")
                .distinct()
            )
        if role == Role.INTERVENTION_PROVIDER:
            return cases.filter(
                interventions__provider_user=user, interventions__status__in=["planned", "active"]
            ).distinct()
        return cases.none()

    @staticmethod
    def can(user: User, action: str, case: Case) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if action not in CaseAction.values:
            return False
        if action == CaseAction.VIEW:
            return CasePolicy.visible_to(user).filter(pk=case.pk).exists()
        if not CasePolicy.in_scope(user).filter(pk=case.pk).exists():
            # Seen through a break-glass grant at most: a grant never gives the right to act or to see more.
            return action == CaseAction.VIEW_DETAIL and CasePolicy.visible_to(user).filter(pk=case.pk).exists()
        role = user.role
        if action == CaseAction.VIEW_DETAIL:
            # Providers see the minimum of the cases assigned to them (domain.md): not the history or reviews.
            return role != Role.INTERVENTION_PROVIDER
        if role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR):
            if action in POLICE_ACTIONS:
                return True
            return action == CaseAction.COUNTERSIGN and role == Role.PREVENT_SUPERVISOR
        if role == Role.CHANNEL_CHAIR:
            return action in CHAIR_ACTIONS
        if role in (Role.PANEL_MEMBER, Role.INTERVENTION_PROVIDER):
            return action == CaseAction.RECORD_PROGRESS and case.status in CHANNEL_OPEN_STATUSES
        return False


class ReferralPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Referral]:
        if not (user.is_authenticated and user.is_active):
            return Referral.objects.none()
        if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR, Role.CHANNEL_CHAIR, Role.PANEL_MEMBER):
            return Referral.objects.filter(case__in=CasePolicy.visible_to(user).values("pk"))
        return Referral.objects.none()

    @staticmethod
    def can_submit(user: User) -> bool:
        # Anyone may refer, signed in or not (the national referral form is public); staff roles that see no
        # case content (administrators, analysts) still may, as members of the public.
        return True


def authorize_case(actor: User | None, action: str, case: Case) -> None:
    """Raise NotFound if the actor may not see the case (indistinguishable from a missing case), or
    PermissionDenied if they may see it but not do this."""
    from casework.core.errors import NotFound, PermissionDenied

    if actor is None or not CasePolicy.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound("No case with that id.")
    if not CasePolicy.can(actor, action, case):
        # The denial is audited by the interface, outside the service's transaction that this exception rolls back.
        raise PermissionDenied(
            f"Your role does not allow you to {action.replace('_', ' ')} on this case.",
            target_type="case",
            target_id=str(case.pk),
            action=action,
        )
