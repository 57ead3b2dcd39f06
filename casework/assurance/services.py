"""Quality-assurance sampling and findings."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Role
from casework.assessments.models import Assessment, GatewayDecisionChoice
from casework.assurance.models import QaItem, SampleReason
from casework.audit.services import audit_record
from casework.core.errors import InvalidTransition, NotFound, ValidationFailed

if TYPE_CHECKING:
    from casework.accounts.models import User


def in_random_sample(assessment_id: object, percent: int) -> bool:
    """Deterministic: a decision is in the sample when the hash of its id falls in the first `percent` of the
    range. Reproducible by anyone with the ids, unpredictable to the officer making the decision."""
    digest = hashlib.sha256(f"casework-qa:{assessment_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000 < percent * 100


@transaction.atomic
def qa_sample_draw(*, actor: User | None, date_from: dt.date, date_to: dt.date) -> list[QaItem]:
    """Select gateway decisions made between the dates (inclusive) for second-line QA: the policy's percentage
    at random, plus every NFA on a repeat referral. Idempotent: drawing the same period again adds nothing.
    Audits `qa.sample_drawn`."""
    if date_to < date_from:
        raise ValidationFailed("The end of the period must be on or after its start.", field="date_to")
    decisions = (
        Assessment.objects.filter(decided_at__date__gte=date_from, decided_at__date__lte=date_to)
        .exclude(countersign_status__in=["pending", "refused"])
        .select_related("policy_version")
        .filter(qa_item__isnull=True)
    )
    created = []
    for a in decisions:
        if a.decision == GatewayDecisionChoice.NFA and a.repeat_referral:
            reason = SampleReason.REPEAT_NFA
        elif in_random_sample(a.pk, a.policy_version.qa_sample_percent):
            reason = SampleReason.RANDOM
        else:
            continue
        created.append(
            QaItem.objects.create(assessment=a, reason=reason, sample_percent=a.policy_version.qa_sample_percent)
        )
    audit_record(
        event="qa.sample_drawn",
        actor=actor,
        data={"from": date_from.isoformat(), "to": date_to.isoformat(), "selected": len(created)},
    )
    return created


@transaction.atomic
def qa_finding_record(*, actor: User, item: QaItem, agree: bool, reason: str) -> QaItem:
    """An assurance lead agrees or disagrees (with a reason) with a sampled decision. Audits
    `qa.finding_recorded`."""
    if not (actor.is_authenticated and actor.role == Role.ASSURANCE_LEAD):
        raise NotFound("No QA item with that id.")
    item = QaItem.objects.select_for_update().filter(pk=item.pk).first() or item
    if item.finding:
        raise InvalidTransition("qa_item", "reviewed", "reviewed", "This decision has already been quality-assured.")
    if not agree and not reason.strip():
        raise ValidationFailed("Give the reason for disagreeing with the decision.", field="reason")
    item.finding = "agree" if agree else "disagree"
    item.finding_reason = reason.strip()
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.save()
    audit_record(
        event="qa.finding_recorded",
        actor=actor,
        target=item.assessment.case,
        data={"assessment": str(item.assessment_id), "finding": item.finding},
    )
    return item
