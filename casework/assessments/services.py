"""Screening, the gateway assessment and its countersignature."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Role
from casework.assessments.models import (
    Assessment,
    AssessmentFactor,
    ConcernType,
    Deconfliction,
    GatewayDecisionChoice,
    Handover,
    OtherVulnerability,
    PafDimension,
    Screening,
    ScreeningOutcome,
    ServiceType,
)
from casework.audit.services import audit_record
from casework.core.dates import add_months, today
from casework.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from casework.people import services as people_services
from casework.people.models import ChronologyKind
from casework.policy.models import PolicyVersion
from casework.policy.selectors import policy_in_force, policy_mark_used
from casework.referrals import services as referral_services
from casework.referrals.models import Case, Referral
from casework.referrals.policies import CaseAction, authorize_case
from casework.referrals.services import case_lock, case_transition, check_version
from casework.referrals.states import CaseStatus
from casework.reviews import services as review_services
from casework.reviews.models import ReviewKind, ReviewOutcome
from casework.reviews.states import PENDING_STATUSES

if TYPE_CHECKING:
    from casework.accounts.models import User

DECISION_STATUS = {
    GatewayDecisionChoice.NFA: CaseStatus.CLOSED_NFA,
    GatewayDecisionChoice.EXIT: CaseStatus.CLOSED_EXITED,
    GatewayDecisionChoice.PLP: CaseStatus.POLICE_LED,
    GatewayDecisionChoice.CHANNEL: CaseStatus.AWAITING_PANEL,
}
ERR_RATIONALE = "Record the rationale for the decision."
ERR_HANDOVER_REQUIRED = (
    "An exit to other services needs a handover: the receiving service, a contact and what was asked."
)
ERR_OWN_COUNTERSIGN = "A decision cannot be countersigned by the officer who made it."


def _choice(value: str, choices: type, field: str, what: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise ValidationFailed(
            f"Unknown {what} '{value}'. Choose one of: {', '.join(choices.values)}.",  # type: ignore[attr-defined]
            field=field,
        )
    return value


def _policy_for(case: Case) -> PolicyVersion:
    policy = policy_in_force(local_authority=case.local_authority, on=today())
    policy_mark_used(policy)
    return policy


@transaction.atomic
def case_screen(
    *,
    actor: User,
    case: Case,
    deconfliction: str,
    outcome: str,
    notes: str = "",
    expected_version: int | None = None,
) -> Screening:
    """Screening and deconfliction. Records only 'clear' or 'managed elsewhere' (never investigation details).
    Clear + proceed → gateway assessment; managed elsewhere, or a mistaken/misguided/malicious referral, closes
    the case. Audits `case.screened`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.SCREEN, case)
    check_version(case, expected_version)
    _choice(deconfliction, Deconfliction, "deconfliction", "deconfliction outcome")
    _choice(outcome, ScreeningOutcome, "outcome", "screening outcome")
    if case.status != CaseStatus.SCREENING:
        raise InvalidTransition(
            "case",
            case.status,
            CaseStatus.ASSESSMENT,
            f"Only a case in screening can be screened; this one is '{CaseStatus(case.status).label}'.",
        )
    if outcome != ScreeningOutcome.PROCEED and not notes.strip():
        raise ValidationFailed("Explain why the referral is closed at screening.", field="notes")
    policy = _policy_for(case)
    screening = Screening.objects.create(
        case=case,
        deconfliction=deconfliction,
        outcome=outcome,
        notes=notes,
        screened_by=actor,
        screened_at=timezone.now(),
        policy_version=policy,
    )
    if deconfliction == Deconfliction.MANAGED_ELSEWHERE:
        to_status = CaseStatus.CLOSED_MANAGED_ELSEWHERE
    elif outcome == ScreeningOutcome.PROCEED:
        to_status = CaseStatus.ASSESSMENT
    else:
        to_status = CaseStatus.CLOSED_MISTAKEN
    case_transition(actor=actor, case=case, to_status=to_status, reason=notes or "Screened", policy=policy)
    audit_record(
        event="case.screened",
        actor=actor,
        target=case,
        data={"deconfliction": deconfliction, "outcome": outcome, "policy_version": policy.version},
    )
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.SCREENING,
        actor=actor,
        case_id=case.pk,
        title=f"Screened: {Deconfliction(deconfliction).label.lower()}; {ScreeningOutcome(outcome).label.lower()}",
        local_authority=case.local_authority,
    )
    return screening


def countersign_requirement(*, case: Case, decision: str, policy: PolicyVersion) -> str:
    """Why this decision needs a supervisor's countersignature under the policy, or '' if it does not."""
    if decision != GatewayDecisionChoice.NFA:
        return ""
    if policy.countersign_all_nfa:
        return "Policy requires every NFA to be countersigned."
    since = add_months(today(), -12 * policy.countersign_repeat_window_years)
    count = Referral.objects.filter(person_id=case.person_id, referred_on__gte=since).count()
    if count >= policy.countersign_repeat_referral_count:
        return (
            f"NFA on referral {count} of this person within {policy.countersign_repeat_window_years} years "
            f"(policy: countersign from referral {policy.countersign_repeat_referral_count})."
        )
    return ""


@transaction.atomic
def case_assess(
    *,
    actor: User,
    case: Case,
    concern_type: str,
    rationale: str,
    decision: str,
    ideology_or_grievance: str = "",
    other_vulnerabilities: list[str] | None = None,
    factors: list[dict[str, Any]] | None = None,
    handover: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Record the PAF assessment and the gateway decision (NFA, exit to other services, police-led partnership,
    progress to Channel) under the policy in force. Where the policy requires a countersignature the case waits
    for a supervisor and the decision does not yet take effect. An exit needs a handover record.
    Audits `case.assessed` (and `handover.recorded`)."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.ASSESS, case)
    check_version(case, expected_version)
    _choice(concern_type, ConcernType, "concern_type", "type of concern")
    _choice(decision, GatewayDecisionChoice, "decision", "gateway decision")
    vulns = list(other_vulnerabilities or [])
    for v in vulns:
        _choice(v, OtherVulnerability, "other_vulnerabilities", "vulnerability")
    if not rationale.strip():
        raise ValidationFailed(ERR_RATIONALE, field="rationale")
    factor_rows = []
    for i, f in enumerate(factors or []):
        _choice(f.get("dimension", ""), PafDimension, f"factors[{i}].dimension", "PAF dimension")
        if not str(f.get("factor", "")).strip():
            raise ValidationFailed("Name each factor.", field=f"factors[{i}].factor")
        factor_rows.append(f)
    if decision == GatewayDecisionChoice.EXIT:
        handover_validate(handover)
    if case.status != CaseStatus.ASSESSMENT:
        raise InvalidTransition(
            "case",
            case.status,
            DECISION_STATUS[GatewayDecisionChoice(decision)],
            "A gateway decision can only be recorded for a case in gateway assessment; "
            f"this one is '{CaseStatus(case.status).label}'.",
        )
    policy = _policy_for(case)
    why_countersign = countersign_requirement(case=case, decision=decision, policy=policy)
    assessment = Assessment.objects.create(
        case=case,
        number=case.assessments.count() + 1,
        framework_version=policy.paf_framework_version,
        concern_type=concern_type,
        ideology_or_grievance=ideology_or_grievance,
        other_vulnerabilities=vulns,
        rationale=rationale.strip(),
        decision=decision,
        decided_by=actor,
        decided_at=timezone.now(),
        policy_version=policy,
        repeat_referral=Referral.objects.filter(person_id=case.person_id).count() > 1,
        countersign_required=bool(why_countersign),
        countersign_reason=why_countersign,
        countersign_status="pending" if why_countersign else "",
    )
    AssessmentFactor.objects.bulk_create(
        AssessmentFactor(
            assessment=assessment,
            dimension=f["dimension"],
            factor=str(f["factor"]).strip(),
            present=bool(f.get("present", True)),
            evidence=str(f.get("evidence", "")),
        )
        for f in factor_rows
    )
    audit_record(
        event="case.assessed",
        actor=actor,
        target=case,
        data={
            "assessment": str(assessment.pk),
            "decision": decision,
            "concern_type": concern_type,
            "countersign_required": bool(why_countersign),
            "policy_version": policy.version,
        },
    )
    if decision == GatewayDecisionChoice.EXIT:
        assert handover is not None
        handover_record(actor=actor, case=case, assessment=assessment, handover=handover, policy=policy)
    label = GatewayDecisionChoice(decision).label
    if why_countersign:
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.AWAITING_COUNTERSIGN,
            policy=policy,
            reason=f"{label} awaiting countersignature: {why_countersign}",
        )
        title = f"Gateway decision: {label} (awaiting countersignature)"
    else:
        case_transition(
            actor=actor,
            case=case,
            to_status=DECISION_STATUS[GatewayDecisionChoice(decision)],
            reason=rationale.strip(),
            policy=policy,
        )
        decision_took_effect(actor=actor, case=case, assessment=assessment)
        title = f"Gateway decision: {label}"
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.DECISION,
        title=title,
        detail=rationale.strip(),
        actor=actor,
        case_id=case.pk,
        local_authority=case.local_authority,
    )
    return assessment


@transaction.atomic
def case_countersign(
    *, actor: User, case: Case, approve: bool, note: str = "", expected_version: int | None = None
) -> Assessment:
    """A supervisor approves (the pending decision takes effect) or refuses (back to gateway assessment) a
    decision awaiting countersignature. The decider cannot countersign their own decision.
    Audits `case.countersigned`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.COUNTERSIGN, case)
    check_version(case, expected_version)
    if case.status != CaseStatus.AWAITING_COUNTERSIGN:
        raise InvalidTransition(
            "case",
            case.status,
            "countersigned",
            f"There is no decision awaiting countersignature on this case (it is '{CaseStatus(case.status).label}').",
        )
    assessment = case.assessments.order_by("-number").first()
    assert assessment is not None
    if assessment.decided_by_id == actor.pk:
        raise PermissionDenied(ERR_OWN_COUNTERSIGN)
    if not approve and not note.strip():
        raise ValidationFailed("Explain why the decision is not countersigned.", field="note")
    assessment.countersign_status = "approved" if approve else "refused"
    assessment.countersigned_by = actor
    assessment.countersigned_at = timezone.now()
    assessment.countersign_note = note
    assessment.save()
    to_status = DECISION_STATUS[GatewayDecisionChoice(assessment.decision)] if approve else CaseStatus.ASSESSMENT
    case_transition(
        actor=actor, case=case, to_status=to_status, policy=assessment.policy_version, reason=note or "Countersigned"
    )
    review_services.tasks_close(subject_prefix=f"countersign:{case.pk}")
    if approve:
        decision_took_effect(actor=actor, case=case, assessment=assessment)
    audit_record(
        event="case.countersigned",
        actor=actor,
        target=case,
        data={"assessment": str(assessment.pk), "approved": approve},
    )
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.COUNTERSIGN,
        actor=actor,
        case_id=case.pk,
        detail=note,
        title=("Decision countersigned: " if approve else "Countersignature refused: ")
        + GatewayDecisionChoice(assessment.decision).label,
        local_authority=case.local_authority,
    )
    return assessment


def decision_took_effect(*, actor: User, case: Case, assessment: Assessment) -> None:
    """Below-threshold assurance: an NFA or exit to other services where other vulnerabilities were recorded
    gets review points (policy) to check the person was picked up by the service they were handed to."""
    if (
        assessment.decision in (GatewayDecisionChoice.NFA, GatewayDecisionChoice.EXIT)
        and assessment.other_vulnerabilities
    ):
        below_threshold_schedule(
            actor=actor, case=case, subject=f"assessment:{assessment.pk}", policy=assessment.policy_version
        )


def below_threshold_schedule(*, actor: User, case: Case, subject: str, policy: PolicyVersion) -> None:
    review_services.assurance_reviews_schedule(
        actor=actor,
        case=case,
        kind=ReviewKind.BELOW_THRESHOLD,
        from_date=today(),
        days=list(policy.below_threshold_review_days),
        subject=subject,
        policy=policy,
    )


def handover_validate(handover: dict[str, Any] | None) -> None:
    if not handover:
        raise ValidationFailed(ERR_HANDOVER_REQUIRED, field="handover")
    _choice(handover.get("service_type", ""), ServiceType, "handover.service_type", "receiving service type")
    for key, label in (
        ("service_name", "the receiving service"),
        ("contact", "a contact"),
        ("request", "what was asked"),
    ):
        if not str(handover.get(key, "")).strip():
            raise ValidationFailed(f"Give {label} for the handover.", field=f"handover.{key}")
    on = handover.get("handed_over_on")
    if on is not None and on > today():
        raise ValidationFailed("The handover date cannot be in the future.", field="handover.handed_over_on")
    receiver = handover.get("receiving_user")
    if receiver is not None and receiver.role != Role.INTERVENTION_PROVIDER:
        raise ValidationFailed(
            "The receiving service's account must be a provider-type account.", field="handover.receiving_user_id"
        )


def handover_record(
    *, actor: User, case: Case, assessment: Assessment | None, handover: dict[str, Any], policy: PolicyVersion
) -> Handover:
    on: dt.date = handover.get("handed_over_on") or today()
    row = Handover.objects.create(
        case=case,
        assessment=assessment,
        service_type=handover["service_type"],
        service_name=str(handover["service_name"]).strip(),
        contact=str(handover["contact"]).strip(),
        request=str(handover["request"]).strip(),
        handed_over_on=on,
        recorded_by=actor,
        policy_version=policy,
        receiving_user=handover.get("receiving_user"),
    )
    audit_record(
        event="handover.recorded",
        actor=actor,
        target=case,
        data={"handover": str(row.pk), "service_type": row.service_type, "receiving_user": row.receiving_user_id},
    )
    # Follow-up checks that the receiving service picked the person up (policy: days after the handover).
    review_services.assurance_reviews_schedule(
        actor=actor,
        case=case,
        kind=ReviewKind.HANDOVER_FOLLOWUP,
        from_date=row.handed_over_on,
        days=list(policy.handover_followup_days),
        subject=f"handover:{row.pk}",
        policy=policy,
    )
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.HANDOVER,
        actor=actor,
        case_id=case.pk,
        title=f"Handed over to {row.service_name} ({ServiceType(row.service_type).label})",
        detail=row.request,
        local_authority=case.local_authority,
    )
    return row


SECTOR_FOR_SERVICE = {
    ServiceType.CHILDRENS_SOCIAL_CARE: "local_authority",
    ServiceType.ADULT_SOCIAL_CARE: "local_authority",
    ServiceType.EARLY_HELP: "local_authority",
    ServiceType.HOUSING: "local_authority",
    ServiceType.MENTAL_HEALTH: "health",
    ServiceType.EDUCATION: "education",
    ServiceType.OTHER: "other",
}


def _authorize_handover(actor: User, handover: Handover) -> Handover:
    from casework.assessments.policies import HandoverPolicy

    locked = Handover.objects.select_for_update().select_related("case").filter(pk=handover.pk).first()
    if locked is None or not HandoverPolicy.can_respond(actor, locked):
        raise NotFound("No handover with that id.")
    return locked


@transaction.atomic
def handover_record_engagement(*, actor: User, handover: Handover, engaged: bool, notes: str) -> Handover:
    """The receiving service (or the police) confirms whether the person engaged. This completes the handover's
    next due follow-up check, so a follow-up answered by the service is not chased again.
    Audits `handover.engagement_recorded`."""
    handover = _authorize_handover(actor, handover)
    if not notes.strip():
        raise ValidationFailed("Say what the service found.", field="notes")
    handover.engagement = "engaged" if engaged else "not_engaged"
    handover.engagement_recorded_at = timezone.now()
    handover.engagement_notes = notes.strip()
    handover.save()
    audit_record(
        event="handover.engagement_recorded",
        actor=actor,
        target=handover.case,
        data={"handover": str(handover.pk), "engaged": engaged},
    )
    window = today() + dt.timedelta(days=handover.policy_version.review_window_days)
    followup = (
        handover.case.reviews.select_for_update()
        .filter(
            kind=ReviewKind.HANDOVER_FOLLOWUP,
            subject_key__startswith=f"handover:{handover.pk}:",
            status__in=PENDING_STATUSES,
            due_on__lte=window,
        )
        .order_by("due_on")
        .first()
    )
    if followup is not None:
        review_services.review_mark_completed(
            actor=actor,
            review=followup,
            notes=notes,
            outcome=ReviewOutcome.PICKED_UP if engaged else ReviewOutcome.NOT_PICKED_UP,
        )
    return handover


@transaction.atomic
def handover_raise_rereferral(*, actor: User, handover: Handover, concern: str) -> Any:
    """The receiving service raises a re-referral when counter-terrorism concerns re-emerge: a new referral
    about the same person, linked to the earlier case and flagged for the officer triaging it."""
    handover = _authorize_handover(actor, handover)
    return referral_services.referral_raise_from_case(
        actor=actor,
        case=handover.case,
        concern=concern,
        source=f"handover:{handover.pk}",
        sector=SECTOR_FOR_SERVICE[ServiceType(handover.service_type)],
    )
