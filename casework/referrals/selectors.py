from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework.accounts.selectors import active_grant_for
from casework.audit.services import audit_record
from casework.core.errors import NotFound
from casework.referrals.models import Case, Referral
from casework.referrals.policies import CasePolicy, ReferralPolicy

if TYPE_CHECKING:
    from casework.accounts.models import User


def case_get_for_user(*, user: User, case_id: Any, audit: bool = True) -> Case:
    """The case if this user may see it, else NotFound (the same answer as for a case that does not exist).
    Every successful read is audited."""
    case = CasePolicy.visible_to(user).select_related("person", "region", "local_authority").filter(pk=case_id).first()
    if case is None:
        raise NotFound("No case with that id.")
    if audit:
        audit_record(event="case.viewed", actor=user, target=case, **_break_glass(user, case))
    return case


def _break_glass(user: User, case: Case) -> dict[str, Any]:
    """For a read outside the user's scope, the grant it relies on and its recorded reason."""
    if CasePolicy.in_scope(user).filter(pk=case.pk).exists():
        return {}
    grant = active_grant_for(user=user, targets=[("case", case.pk), ("person", case.person_id)])
    if grant is None:
        return {}
    return {"reason": grant.reason, "data": {"grant": str(grant.pk)}}


def case_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    filters = filters or {}
    # The referral count is a subquery so a list costs a constant number of queries, however long.
    referral_total = (
        Referral.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    )
    cases = (
        CasePolicy.visible_to(user)
        .select_related("person", "local_authority", "region")
        .annotate(referral_total=Coalesce(Subquery(referral_total), 0))
    )
    if filters.get("status"):
        cases = cases.filter(
            status__in=filters["status"] if isinstance(filters["status"], list) else [filters["status"]]
        )
    return cases.order_by("-opened_at")


def referral_get_for_user(*, user: User, referral_id: Any) -> Referral:
    referral = ReferralPolicy.visible_to(user).select_related("case", "description").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("No referral with that id.")
    audit_record(event="referral.viewed", actor=user, target=referral)
    return referral
