"""Panel meetings, the VAF, panel decisions, consent and closure of Channel cases."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Role, User
from casework.assessments.services import below_threshold_schedule, handover_record, handover_validate
from casework.audit.services import audit_record
from casework.core.dates import age_on, today
from casework.core.errors import ConsentRequired, InvalidTransition, NotFound, ValidationFailed
from casework.panels.models import (
    AgendaItem,
    ClosureReason,
    Consent,
    ConsentGivenBy,
    ConsentStatus,
    Meeting,
    MeetingInvitation,
    MeetingStatus,
    NotAdoptedOutcome,
    Panel,
    PanelDecision,
    PanelDecisionChoice,
    VafAssessment,
    VafDimension,
    VafFactor,
    VafRating,
)
from casework.panels.policies import MeetingAction, PanelPolicy, authorize_meeting
from casework.people import services as people_services
from casework.people.models import ChronologyKind
from casework.policy.models import PolicyVersion
from casework.policy.selectors import policy_in_force, policy_mark_used
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, authorize_case
from casework.referrals.services import case_lock, case_transition, check_version
from casework.referrals.states import CHANNEL_OPEN_STATUSES, CaseStatus
from casework.reviews.services import open_case_review_schedule, review_schedule_after_closure

if TYPE_CHECKING:
    pass

ERR_VAF_REQUIRED = "Record the Vulnerability Assessment Framework (engagement, intent, capability) before adopting."
ERR_UNDER_18 = (
    "{name} is under 18 on the date of consent: consent must be given by a parent or guardian "
    "(or through the appropriate route where the person lacks capacity)."
)
ERR_FUTURE = "The {what} cannot be in the future."
NOT_ADOPTED_STATUS = {
    NotAdoptedOutcome.NFA: CaseStatus.CLOSED_NFA,
    NotAdoptedOutcome.EXIT: CaseStatus.CLOSED_EXITED,
    NotAdoptedOutcome.PLP: CaseStatus.POLICE_LED,
}


def _policy(case: Case) -> PolicyVersion:
    policy = policy_in_force(local_authority=case.local_authority, on=today())
    policy_mark_used(policy)
    return policy


def _not_future(value: dt.date, what: str, field: str) -> None:
    if value > today():
        raise ValidationFailed(ERR_FUTURE.format(what=what), field=field)


def _chronology(case: Case, actor: User, kind: str, title: str, detail: str = "") -> None:
    people_services.chronology_append(
        person=case.person,
        kind=kind,
        title=title,
        detail=detail,
        actor=actor,
        case_id=case.pk,
        local_authority=case.local_authority,
    )


@transaction.atomic
def meeting_schedule(*, actor: User, panel: Panel, date: dt.date, location: str = "") -> Meeting:
    """Schedule a meeting of the chair's own panel. Audits `meeting.scheduled`."""
    if not PanelPolicy.visible_to(actor).filter(pk=panel.pk).exists():
        raise NotFound("No panel with that id.")
    if not PanelPolicy.can_schedule(actor, panel):
        raise NotFound("No panel with that id.")
    meeting = Meeting.objects.create(panel=panel, date=date, location=location)
    audit_record(event="meeting.scheduled", actor=actor, target=meeting, data={"date": date.isoformat()})
    return meeting


@transaction.atomic
def meeting_add_case(*, actor: User, meeting: Meeting, case: Case) -> AgendaItem:
    """Put a case awaiting the panel, or an open Channel case (reviewed at every meeting), on the agenda.
    An open case's review is brought forward to the meeting date. Audits `meeting.case_added`."""
    authorize_meeting(actor, MeetingAction.MANAGE, meeting)
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.MANAGE_PANEL, case)
    if case.local_authority_id != meeting.panel.local_authority_id:
        raise ValidationFailed("A case can only go on its own local authority's panel agenda.", field="case")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvalidTransition(
            "meeting",
            meeting.status,
            "agenda_changed",
            "Cases can only be added to a meeting that has not yet been held.",
        )
    if case.status not in ({CaseStatus.AWAITING_PANEL} | CHANNEL_OPEN_STATUSES):
        raise InvalidTransition(
            "case",
            case.status,
            "on_agenda",
            f"Only cases awaiting the panel or open Channel cases go on an agenda; this one "
            f"is '{CaseStatus(case.status).label}'.",
        )
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationFailed("This case is already on the agenda.", field="case")
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=meeting.agenda.count() + 1)
    if case.status in CHANNEL_OPEN_STATUSES and meeting.date >= today():
        open_case_review_schedule(actor=actor, case=case, due_on=meeting.date)
    audit_record(event="meeting.case_added", actor=actor, target=meeting, data={"case": str(case.pk)})
    return item


@transaction.atomic
def meeting_invite(*, actor: User, meeting: Meeting, user: User, agency: str) -> MeetingInvitation:
    """Invite a panel member of the same local authority. The invitation is their need to know: from it they
    see the cases on this meeting's agenda. Audits `meeting.member_invited`."""
    authorize_meeting(actor, MeetingAction.MANAGE, meeting)
    if user.role not in (Role.PANEL_MEMBER, Role.PREVENT_OFFICER, Role.CHANNEL_CHAIR) or (
        user.role != Role.PREVENT_OFFICER and user.local_authority_id != meeting.panel.local_authority_id
    ):
        raise ValidationFailed(
            "Only panel members of this local authority (or a Prevent officer) can be invited.", field="user"
        )
    if not agency.strip():
        raise ValidationFailed("Give the agency the member represents.", field="agency")
    invitation, _ = MeetingInvitation.objects.update_or_create(
        meeting=meeting, user=user, defaults={"name": user.display_name, "agency": agency.strip()}
    )
    audit_record(event="meeting.member_invited", actor=actor, target=meeting, data={"user": user.pk})
    return invitation


@transaction.atomic
def meeting_record_attendance(
    *, actor: User, meeting: Meeting, attended_user_ids: list[int], guests: list[dict[str, str]] | None = None
) -> Meeting:
    """Record who attended; the meeting becomes held. Audits `meeting.attendance_recorded`."""
    authorize_meeting(actor, MeetingAction.MANAGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > today():
        raise ValidationFailed("Attendance can be recorded once the meeting date has come.", field="date")
    if meeting.status == MeetingStatus.CANCELLED:
        raise InvalidTransition("meeting", meeting.status, MeetingStatus.HELD, "This meeting was cancelled.")
    invited = set(meeting.invitations.values_list("user_id", flat=True))
    unknown = set(attended_user_ids) - invited
    if unknown:
        raise ValidationFailed(
            "Only invited members can be recorded as attending.",
            field="attended_user_ids",
            unknown=sorted(u for u in unknown if u is not None),
        )
    meeting.invitations.filter(user__isnull=False).update(attended=False)
    meeting.invitations.filter(user_id__in=attended_user_ids).update(attended=True)
    for g in guests or []:
        if not g.get("name", "").strip() or not g.get("agency", "").strip():
            raise ValidationFailed("Give each guest's name and agency.", field="guests")
        MeetingInvitation.objects.create(
            meeting=meeting, name=g["name"].strip(), agency=g["agency"].strip(), attended=True
        )
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        event="meeting.attendance_recorded",
        actor=actor,
        target=meeting,
        data={"attended": sorted(attended_user_ids), "guests": len(guests or [])},
    )
    return meeting


@transaction.atomic
def meeting_record_minutes(*, actor: User, meeting: Meeting, case: Case, minutes: str) -> AgendaItem:
    """Minutes per case on the agenda. Audits `meeting.minutes_recorded`."""
    authorize_meeting(actor, MeetingAction.MANAGE, meeting)
    item = AgendaItem.objects.select_for_update().filter(meeting=meeting, case=case).first()
    if item is None:
        raise ValidationFailed("This case is not on the meeting's agenda.", field="case")
    if not minutes.strip():
        raise ValidationFailed("Write the minutes for this case.", field="minutes")
    item.minutes = minutes.strip()
    item.save(update_fields=["minutes"])
    audit_record(event="meeting.minutes_recorded", actor=actor, target=meeting, data={"case": str(case.pk)})
    _chronology(case, actor, ChronologyKind.PANEL, f"Discussed at {meeting}", minutes.strip())
    return item


@transaction.atomic
def vaf_record(
    *, actor: User, case: Case, factors: list[dict[str, Any]], summary: str = "", meeting: Meeting | None = None
) -> VafAssessment:
    """Record a VAF: each factor is (dimension, factor, rating, evidence); all three dimensions must be
    covered. Audits `vaf.recorded`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.MANAGE_PANEL, case)
    if case.status not in ({CaseStatus.AWAITING_PANEL} | CHANNEL_OPEN_STATUSES):
        raise InvalidTransition(
            "case",
            case.status,
            "vaf_recorded",
            "A VAF is recorded for a case before the panel or while it is an open Channel case.",
        )
    rows = []
    for i, f in enumerate(factors):
        if f.get("dimension") not in VafDimension.values:
            raise ValidationFailed(
                f"Unknown VAF dimension '{f.get('dimension')}'. Choose one of: {', '.join(VafDimension.values)}.",
                field=f"factors[{i}].dimension",
            )
        if f.get("rating") not in VafRating.values:
            raise ValidationFailed(
                f"Unknown rating '{f.get('rating')}'. Choose one of: {', '.join(VafRating.values)}.",
                field=f"factors[{i}].rating",
            )
        if not str(f.get("factor", "")).strip() or not str(f.get("evidence", "")).strip():
            raise ValidationFailed("Each VAF factor needs a description and its evidence.", field=f"factors[{i}]")
        rows.append(f)
    missing = set(VafDimension.values) - {f["dimension"] for f in rows}
    if missing:
        raise ValidationFailed(
            f"The VAF must rate every dimension; missing: {', '.join(sorted(missing))}.", field="factors"
        )
    policy = _policy(case)
    vaf = VafAssessment.objects.create(
        case=case,
        meeting=meeting,
        framework_version=policy.vaf_framework_version,
        summary=summary,
        assessed_by=actor,
        assessed_at=timezone.now(),
        policy_version=policy,
    )
    VafFactor.objects.bulk_create(
        VafFactor(
            vaf=vaf,
            dimension=f["dimension"],
            factor=str(f["factor"]).strip(),
            rating=f["rating"],
            evidence=str(f["evidence"]).strip(),
        )
        for f in rows
    )
    audit_record(event="vaf.recorded", actor=actor, target=case, data={"vaf": str(vaf.pk)})
    _chronology(case, actor, ChronologyKind.PANEL, "Vulnerability assessment recorded", summary)
    return vaf


@transaction.atomic
def panel_decide(
    *,
    actor: User,
    case: Case,
    decision: str,
    rationale: str,
    not_adopted_outcome: str = "",
    meeting: Meeting | None = None,
    handover: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> PanelDecision:
    """The panel adopts the case as a Channel case (→ awaiting consent, first open-case review scheduled) or
    does not adopt it (→ NFA, exit to other services with a handover, or police-led partnership). Adoption
    needs a VAF recorded since the case came to the panel. Audits `panel.decided`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.MANAGE_PANEL, case)
    check_version(case, expected_version)
    if decision not in PanelDecisionChoice.values:
        raise ValidationFailed(f"Unknown panel decision '{decision}'. Choose adopt or not_adopt.", field="decision")
    if not rationale.strip():
        raise ValidationFailed("Record the panel's rationale.", field="rationale")
    if decision == PanelDecisionChoice.NOT_ADOPT and not_adopted_outcome not in NotAdoptedOutcome.values:
        raise ValidationFailed(
            f"When not adopting, choose what happens next: {', '.join(NotAdoptedOutcome.values)}.",
            field="not_adopted_outcome",
        )
    if case.status != CaseStatus.AWAITING_PANEL:
        target = CaseStatus.AWAITING_CONSENT if decision == PanelDecisionChoice.ADOPT else "not_adopted"
        raise InvalidTransition(
            "case",
            case.status,
            target,
            "Only a case awaiting the panel can be adopted or not adopted; this one is "
            f"'{CaseStatus(case.status).label}'.",
        )
    if (
        decision == PanelDecisionChoice.ADOPT
        and not case.vaf_assessments.filter(assessed_at__gte=case.status_changed_at).exists()
    ):
        raise ValidationFailed(ERR_VAF_REQUIRED, field="vaf")
    if not_adopted_outcome == NotAdoptedOutcome.EXIT and decision == PanelDecisionChoice.NOT_ADOPT:
        handover_validate(handover)
    policy = _policy(case)
    row = PanelDecision.objects.create(
        case=case,
        meeting=meeting,
        decision=decision,
        not_adopted_outcome=not_adopted_outcome if decision == PanelDecisionChoice.NOT_ADOPT else "",
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=timezone.now(),
        policy_version=policy,
    )
    audit_record(
        event="panel.decided",
        actor=actor,
        target=case,
        data={"decision": decision, "not_adopted_outcome": row.not_adopted_outcome, "policy_version": policy.version},
    )
    if decision == PanelDecisionChoice.ADOPT:
        case.adopted_at = timezone.now()
        case_transition(
            actor=actor, case=case, to_status=CaseStatus.AWAITING_CONSENT, policy=policy, reason=rationale.strip()
        )
        open_case_review_schedule(actor=actor, case=case)
        _chronology(case, actor, ChronologyKind.PANEL, "Adopted as a Channel case", rationale.strip())
    else:
        if not_adopted_outcome == NotAdoptedOutcome.EXIT:
            assert handover is not None
            handover_record(actor=actor, case=case, assessment=None, handover=handover, policy=policy)
        latest = case.assessments.order_by("-number").first()
        if not_adopted_outcome != NotAdoptedOutcome.PLP and latest is not None and latest.other_vulnerabilities:
            below_threshold_schedule(actor=actor, case=case, subject=f"panel_decision:{row.pk}", policy=policy)
        case_transition(
            actor=actor,
            case=case,
            to_status=NOT_ADOPTED_STATUS[NotAdoptedOutcome(not_adopted_outcome)],
            policy=policy,
            reason=rationale.strip(),
        )
        _chronology(
            case,
            actor,
            ChronologyKind.PANEL,
            f"Not adopted: {NotAdoptedOutcome(not_adopted_outcome).label}",
            rationale.strip(),
        )
    return row


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    status: str,
    given_by: str,
    given_by_name: str,
    decided_on: dt.date | None = None,
    notes: str = "",
    refused_next_step: str = "police_led",
    expected_version: int | None = None,
) -> Consent:
    """Consent to (or refusal of) Channel support. Under 18 it must come from a parent or guardian (or the
    appropriate route). Consent given starts support; refusal leads to a police-led partnership or closure.
    Audits `consent.recorded`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.RECORD_CONSENT, case)
    check_version(case, expected_version)
    decided_on = decided_on or today()
    _not_future(decided_on, "date of consent", "decided_on")
    if status not in (ConsentStatus.GIVEN, ConsentStatus.REFUSED):
        raise ValidationFailed(
            "Consent is either 'given' or 'refused' (use consent withdrawal to withdraw it).", field="status"
        )
    if given_by not in ConsentGivenBy.values:
        raise ValidationFailed(
            f"Unknown consent route '{given_by}'. Choose one of: {', '.join(ConsentGivenBy.values)}.", field="given_by"
        )
    if not given_by_name.strip():
        raise ValidationFailed("Give the name of the person who gave or refused consent.", field="given_by_name")
    if case.status != CaseStatus.AWAITING_CONSENT:
        raise InvalidTransition(
            "case",
            case.status,
            CaseStatus.SUPPORT_ACTIVE,
            "Consent is recorded for a case the panel has adopted and that is awaiting consent; "
            f"this one is '{CaseStatus(case.status).label}'.",
        )
    dob = case.person.date_of_birth
    if given_by == ConsentGivenBy.PERSON and dob is not None and age_on(dob, decided_on) < 18:
        raise ValidationFailed(ERR_UNDER_18.format(name=case.person.full_name or "The person"), field="given_by")
    if status == ConsentStatus.REFUSED and refused_next_step not in ("police_led", "closed"):
        raise ValidationFailed("After a refusal choose 'police_led' or 'closed'.", field="refused_next_step")
    policy = _policy(case)
    consent = Consent.objects.create(
        case=case,
        status=status,
        given_by=given_by,
        given_by_name=given_by_name.strip(),
        decided_on=decided_on,
        notes=notes,
        recorded_by=actor,
        recorded_at=timezone.now(),
        policy_version=policy,
    )
    audit_record(
        event="consent.recorded",
        actor=actor,
        target=case,
        data={"status": status, "given_by": given_by, "decided_on": decided_on.isoformat()},
    )
    _chronology(
        case, actor, ChronologyKind.CONSENT, f"Consent {status} by {ConsentGivenBy(given_by).label.lower()}", notes
    )
    if status == ConsentStatus.GIVEN:
        case_transition(
            actor=actor, case=case, to_status=CaseStatus.SUPPORT_ACTIVE, policy=policy, reason="Consent given"
        )
    elif refused_next_step == "police_led":
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.POLICE_LED,
            policy=policy,
            reason="Consent refused: police-led partnership",
        )
    else:
        _close(
            actor=actor,
            case=case,
            reason=ClosureReason.CONSENT_WITHDRAWN,
            rationale=notes or "Consent refused",
            policy=policy,
        )
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    case: Case,
    withdrawn_on: dt.date | None = None,
    notes: str = "",
    next_step: str = "closed",
    expected_version: int | None = None,
) -> Consent:
    """Withdrawal ends Channel support: the case is closed (post-closure reviews scheduled) or moves to a
    police-led partnership. Audits `consent.withdrawn`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.RECORD_CONSENT, case)
    check_version(case, expected_version)
    withdrawn_on = withdrawn_on or today()
    _not_future(withdrawn_on, "date of withdrawal", "withdrawn_on")
    if next_step not in ("police_led", "closed"):
        raise ValidationFailed("After a withdrawal choose 'police_led' or 'closed'.", field="next_step")
    consent = case.consents.filter(status=ConsentStatus.GIVEN).order_by("-recorded_at").first()
    if case.status != CaseStatus.SUPPORT_ACTIVE or consent is None:
        raise InvalidTransition(
            "case", case.status, "consent_withdrawn", "Consent can only be withdrawn while Channel support is active."
        )
    if withdrawn_on < consent.decided_on:
        raise ValidationFailed("Consent cannot be withdrawn before it was given.", field="withdrawn_on")
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_notes = notes
    consent.save()
    policy = _policy(case)
    audit_record(event="consent.withdrawn", actor=actor, target=case, data={"withdrawn_on": withdrawn_on.isoformat()})
    _chronology(case, actor, ChronologyKind.CONSENT, "Consent withdrawn", notes)
    if next_step == "police_led":
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.POLICE_LED,
            policy=policy,
            reason="Consent withdrawn: police-led partnership",
        )
    else:
        _close(
            actor=actor,
            case=case,
            reason=ClosureReason.CONSENT_WITHDRAWN,
            rationale=notes or "Consent withdrawn",
            policy=policy,
        )
    return consent


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    reason: str,
    rationale: str,
    closed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Close a Channel case with a reason and rationale; this schedules the statutory post-closure reviews
    (6 and 12 months under the default policy). Audits `case.closed`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.CLOSE, case)
    check_version(case, expected_version)
    if reason not in ClosureReason.values:
        raise ValidationFailed(
            f"Unknown closure reason '{reason}'. Choose one of: {', '.join(ClosureReason.values)}.", field="reason"
        )
    if not rationale.strip():
        raise ValidationFailed("Record the rationale for closing the case.", field="rationale")
    closed_on = closed_on or today()
    _not_future(closed_on, "closure date", "closed_on")
    if case.status not in (CaseStatus.SUPPORT_ACTIVE, CaseStatus.AWAITING_CONSENT):
        raise InvalidTransition(
            "case",
            case.status,
            CaseStatus.CLOSED,
            "Only an open Channel case (adopted, awaiting consent or in support) can be closed; "
            f"this one is '{CaseStatus(case.status).label}'.",
        )
    if case.adopted_at and closed_on < timezone.localdate(case.adopted_at):
        raise ValidationFailed("A case cannot be closed before it was adopted.", field="closed_on")
    _close(
        actor=actor, case=case, reason=reason, rationale=rationale.strip(), policy=_policy(case), closed_on=closed_on
    )
    return case


def _close(
    *, actor: User, case: Case, reason: str, rationale: str, policy: PolicyVersion, closed_on: dt.date | None = None
) -> None:
    case.closed_at = timezone.now()
    case.closed_on = closed_on or today()
    case.closure_reason = reason
    case.closure_rationale = rationale
    case.closure_cycle += 1
    case_transition(
        actor=actor,
        case=case,
        to_status=CaseStatus.CLOSED,
        policy=policy,
        reason=rationale,
        data={"closure_reason": reason},
    )
    reviews = review_schedule_after_closure(actor=actor, case=case, policy=policy)
    audit_record(
        event="case.closed",
        actor=actor,
        target=case,
        data={
            "reason": reason,
            "closed_on": case.closed_on.isoformat(),
            "reviews_due": [r.due_on.isoformat() for r in reviews],
            "policy_version": policy.version,
        },
    )
    _chronology(case, actor, ChronologyKind.CLOSURE, f"Channel case closed: {ClosureReason(reason).label}", rationale)


def require_consent(case: Case) -> None:
    """Support cannot start without consent: used by the support app before any intervention starts."""
    if case.status != CaseStatus.SUPPORT_ACTIVE or not case.consents.filter(status=ConsentStatus.GIVEN).exists():
        raise ConsentRequired(
            "Channel support is voluntary: record the person's consent (or a parent's or guardian's, under 18) "
            "before starting support."
        )
