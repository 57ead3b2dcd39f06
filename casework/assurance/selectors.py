"""The thresholds review report: gateway decisions by region, type of concern and outcome, per policy version,
with the share of repeat referrals and of QA disagreements. Aggregates only — no personal data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from casework.accounts.models import Role
from casework.assessments.models import Assessment, ConcernType, GatewayDecisionChoice
from casework.core.errors import NotFound

if TYPE_CHECKING:
    from casework.accounts.models import User

REPORT_ROLES = frozenset({Role.ASSURANCE_LEAD, Role.ANALYST})
COLUMNS = [
    "policy_version",
    "pilot",
    "region",
    "concern_type",
    "decision",
    "decisions",
    "repeat_referrals",
    "repeat_referral_pct",
    "qa_reviewed",
    "qa_disagreements",
    "qa_disagreement_pct",
]


def thresholds_report(
    *, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict[str, Any]]:
    if not (user.is_authenticated and user.is_active and user.role in REPORT_ROLES):
        raise NotFound("No such report.")
    rows = Assessment.objects.exclude(countersign_status__in=["pending", "refused"])
    if date_from:
        rows = rows.filter(decided_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(decided_at__date__lte=date_to)
    grouped = (
        rows.values(
            "policy_version__version", "policy_version__is_pilot", "case__region__name", "concern_type", "decision"
        )
        .annotate(
            decisions=Count("id"),
            repeat=Count("id", filter=Q(repeat_referral=True)),
            qa=Count("id", filter=~Q(qa_item__finding="") & Q(qa_item__isnull=False)),
            disagree=Count("id", filter=Q(qa_item__finding="disagree")),
        )
        .order_by("policy_version__version", "case__region__name", "concern_type", "decision")
    )
    out = []
    for g in grouped:
        out.append(
            {
                "policy_version": g["policy_version__version"],
                "pilot": g["policy_version__is_pilot"],
                "region": g["case__region__name"],
                "concern_type": ConcernType(g["concern_type"]).label,
                "decision": GatewayDecisionChoice(g["decision"]).label,
                "decisions": g["decisions"],
                "repeat_referrals": g["repeat"],
                "repeat_referral_pct": round(100 * g["repeat"] / g["decisions"], 1),
                "qa_reviewed": g["qa"],
                "qa_disagreements": g["disagree"],
                "qa_disagreement_pct": round(100 * g["disagree"] / g["qa"], 1) if g["qa"] else None,
            }
        )
    return out
