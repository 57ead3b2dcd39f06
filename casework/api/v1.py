"""API v1 endpoints. Each write endpoint parses input, fetches what it needs through permission-checked
selectors and calls exactly one service; `operation_id` is that service's name."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Status

from casework.accounts.models import LocalAuthority, User
from casework.api import schemas as s
from casework.api.base import api
from casework.assessments import services as assessment_services
from casework.assessments.models import Handover
from casework.assessments.policies import HandoverPolicy
from casework.core.errors import NotFound
from casework.panels import services as panel_services
from casework.panels.models import Meeting
from casework.panels.policies import MeetingPolicy, PanelPolicy
from casework.people.selectors import person_chronology, person_get_for_user, person_history_outside_scope
from casework.referrals import services as referral_services
from casework.referrals.models import Case, Referral
from casework.referrals.policies import CaseAction, CasePolicy, authorize_case
from casework.referrals.selectors import case_get_for_user, case_list
from casework.referrals.states import TRANSITIONS, CaseStatus
from casework.reviews import services as review_services
from casework.reviews.models import Review
from casework.reviews.states import PENDING_STATUSES
from casework.support import services as support_services
from casework.support.models import Intervention, SupportAction

ERRORS: dict[int, Any] = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 409: s.Error, 422: s.Error}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case(request: HttpRequest, case_id: UUID) -> Case:
    return case_get_for_user(user=_user(request), case_id=case_id, audit=False)


def _visible_cases(request: HttpRequest) -> Any:
    return CasePolicy.visible_to(_user(request)).values("pk")


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case_id": r.case_id,
        "kind": r.kind,
        "due_on": r.due_on,
        "status": r.status,
        "months_after_closure": r.months_after_closure,
        "closure_cycle": r.closure_cycle,
        "outcome": r.outcome,
        "completed_on": r.completed_on,
        "policy_version": r.policy_version.version,
    }


def _case_out(case: Case, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "status_label": CaseStatus(case.status).label,
        "version": case.version,
        "person_id": case.person_id,
        "region": case.region.code,
        "local_authority": case.local_authority.code,
        "opened_at": case.opened_at,
        "adopted_at": case.adopted_at,
        "closed_on": case.closed_on,
        "closure_reason": case.closure_reason,
        "closure_cycle": case.closure_cycle,
        "reopened_count": case.reopened_count,
        "referral_count": getattr(case, "referral_total", None) or case.referrals.count(),
        "allowed_transitions": sorted(TRANSITIONS[case.status]),
    }
    if detail:
        out["status_history"] = [
            {
                "from_status": h.from_status,
                "to_status": h.to_status,
                "changed_at": h.changed_at,
                "reason": h.reason,
                "policy_version": h.policy_version.version if h.policy_version else None,
            }
            for h in case.status_history.select_related("policy_version")
        ]
        reviews = list(case.reviews.select_related("policy_version").order_by("due_on", "created_at"))
        out["reviews"] = [_review_out(r) for r in reviews]
        pending = [r.due_on for r in reviews if r.status in PENDING_STATUSES]
        out["next_review_due_on"] = min(pending) if pending else None
    return out


# --- Referrals ---------------------------------------------------------------------------------------------


@api.post("/referrals", response={201: s.ReferralReceipt, **ERRORS}, operation_id="referral_submit", tags=["referrals"])
def referral_submit(request: HttpRequest, payload: s.ReferralIn) -> Any:
    la = LocalAuthority.objects.select_related("region").filter(code=payload.local_authority).first()
    if la is None:
        raise NotFound(f"No local authority with code '{payload.local_authority}'.", field="local_authority")
    data = payload.dict()
    referral = referral_services.referral_submit(
        actor=_user(request),
        person_description=data.pop("person"),
        local_authority=la,
        **{k: v for k, v in data.items() if k != "local_authority"},
    )
    return Status(201, _referral_receipt(referral))


def _referral_receipt(referral: Referral) -> dict[str, Any]:
    """What the API returns for a new referral and for a re-referral from a handover: the
    references to quote and whether it joined an earlier history."""
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "case_id": referral.case_id,
        "case_reference": referral.case.reference,
        "received_at": referral.received_at,
        "repeat_referral": referral.is_repeat,
        "previous_referral_count": referral.previous_referral_count,
    }


# --- Cases -------------------------------------------------------------------------------------------------


@api.get("/cases", response={200: list[s.CaseOut], **ERRORS}, operation_id="case_list", tags=["cases"])
def case_list_view(request: HttpRequest, status: str | None = None, limit: int = 100, offset: int = 0) -> Any:
    from casework.audit.services import audit_record

    cases = case_list(user=_user(request), filters={"status": status})[offset : offset + min(limit, 500)]
    audit_record(event="case.listed", actor=_user(request), data={"status": status, "count": len(cases)})
    return [_case_out(c) for c in cases]


@api.get("/cases/{case_id}", response={200: s.CaseDetailOut, **ERRORS}, operation_id="case_get", tags=["cases"])
def case_get(request: HttpRequest, case_id: UUID) -> Any:
    case = case_get_for_user(user=_user(request), case_id=case_id)
    out = _case_out(case, detail=True)
    if not CasePolicy.can(_user(request), CaseAction.VIEW_DETAIL, case):
        # The minimum (reference, status, dates) for an intervention provider: no history, no reviews.
        out.update(status_history=[], reviews=[], next_review_due_on=None)
    return out


@api.post("/cases/{case_id}/screen", response={200: s.CaseOut, **ERRORS}, operation_id="case_screen", tags=["cases"])
def case_screen(request: HttpRequest, case_id: UUID, payload: s.ScreenIn) -> Any:
    case = _case(request, case_id)
    assessment_services.case_screen(actor=_user(request), case=case, **payload.dict())
    return _case_out(Case.objects.get(pk=case.pk))


def _handover(data: dict[str, Any]) -> dict[str, Any] | None:
    handover: dict[str, Any] | None = data.get("handover")
    if handover is None:
        return None
    user_id = handover.pop("receiving_user_id", None)
    if user_id is not None:
        handover["receiving_user"] = User.objects.filter(pk=user_id, is_active=True).first()
        if handover["receiving_user"] is None:
            raise NotFound("No user with that id.", field="handover.receiving_user_id")
    return handover


@api.post(
    "/cases/{case_id}/assess", response={200: s.AssessmentOut, **ERRORS}, operation_id="case_assess", tags=["cases"]
)
def case_assess(request: HttpRequest, case_id: UUID, payload: s.AssessIn) -> Any:
    case = _case(request, case_id)
    data = payload.dict()
    data["handover"] = _handover(data)
    a = assessment_services.case_assess(actor=_user(request), case=case, **data)
    return {
        "id": a.pk,
        "number": a.number,
        "decision": a.decision,
        "concern_type": a.concern_type,
        "countersign_required": a.countersign_required,
        "countersign_status": a.countersign_status,
        "countersign_reason": a.countersign_reason,
        "policy_version": a.policy_version.version,
    }


@api.post(
    "/cases/{case_id}/countersign", response={200: s.CaseOut, **ERRORS}, operation_id="case_countersign", tags=["cases"]
)
def case_countersign(request: HttpRequest, case_id: UUID, payload: s.CountersignIn) -> Any:
    case = _case(request, case_id)
    assessment_services.case_countersign(actor=_user(request), case=case, **payload.dict())
    return _case_out(Case.objects.get(pk=case.pk))


# --- Panels ------------------------------------------------------------------------------------------------


def _meeting(request: HttpRequest, meeting_id: UUID) -> Meeting:
    meeting = MeetingPolicy.visible_to(_user(request)).select_related("panel").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("No meeting with that id.")
    return meeting


@api.post("/meetings", response={201: s.MeetingOut, **ERRORS}, operation_id="meeting_schedule", tags=["panels"])
def meeting_schedule(request: HttpRequest, payload: s.MeetingIn) -> Any:
    panel = PanelPolicy.visible_to(_user(request)).filter(pk=payload.panel_id).first()
    if panel is None:
        raise NotFound("No panel with that id.", field="panel_id")
    m = panel_services.meeting_schedule(actor=_user(request), panel=panel, date=payload.date, location=payload.location)
    return Status(201, m)


@api.post(
    "/meetings/{meeting_id}/agenda",
    response={201: s.MeetingOut, **ERRORS},
    operation_id="meeting_add_case",
    tags=["panels"],
)
def meeting_add_case(request: HttpRequest, meeting_id: UUID, payload: s.AgendaIn) -> Any:
    meeting = _meeting(request, meeting_id)
    panel_services.meeting_add_case(actor=_user(request), meeting=meeting, case=_case(request, payload.case_id))
    return Status(201, meeting)


@api.post(
    "/meetings/{meeting_id}/invitations",
    response={201: s.MeetingOut, **ERRORS},
    operation_id="meeting_invite",
    tags=["panels"],
)
def meeting_invite(request: HttpRequest, meeting_id: UUID, payload: s.InviteIn) -> Any:
    meeting = _meeting(request, meeting_id)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise NotFound("No user with that id.", field="user_id")
    panel_services.meeting_invite(actor=_user(request), meeting=meeting, user=user, agency=payload.agency)
    return Status(201, meeting)


@api.post(
    "/meetings/{meeting_id}/attendance",
    response={200: s.MeetingOut, **ERRORS},
    operation_id="meeting_record_attendance",
    tags=["panels"],
)
def meeting_record_attendance(request: HttpRequest, meeting_id: UUID, payload: s.AttendanceIn) -> Any:
    meeting = _meeting(request, meeting_id)
    return panel_services.meeting_record_attendance(
        actor=_user(request),
        meeting=meeting,
        attended_user_ids=payload.attended_user_ids,
        guests=[g.dict() for g in payload.guests],
    )


@api.post(
    "/meetings/{meeting_id}/minutes",
    response={200: s.MeetingOut, **ERRORS},
    operation_id="meeting_record_minutes",
    tags=["panels"],
)
def meeting_record_minutes(request: HttpRequest, meeting_id: UUID, payload: s.MinutesIn) -> Any:
    meeting = _meeting(request, meeting_id)
    panel_services.meeting_record_minutes(
        actor=_user(request), meeting=meeting, case=_case(request, payload.case_id), minutes=payload.minutes
    )
    return meeting


@api.post("/cases/{case_id}/vaf", response={201: s.CaseOut, **ERRORS}, operation_id="vaf_record", tags=["panels"])
def vaf_record(request: HttpRequest, case_id: UUID, payload: s.VafIn) -> Any:
    case = _case(request, case_id)
    meeting = _meeting(request, payload.meeting_id) if payload.meeting_id else None
    panel_services.vaf_record(
        actor=_user(request),
        case=case,
        factors=[f.dict() for f in payload.factors],
        summary=payload.summary,
        meeting=meeting,
    )
    return Status(201, _case_out(Case.objects.get(pk=case.pk)))


@api.post(
    "/cases/{case_id}/panel-decision", response={200: s.CaseOut, **ERRORS}, operation_id="panel_decide", tags=["panels"]
)
def panel_decide(request: HttpRequest, case_id: UUID, payload: s.PanelDecideIn) -> Any:
    case = _case(request, case_id)
    data = payload.dict()
    data["handover"] = _handover(data)
    meeting_id = data.pop("meeting_id")
    meeting = _meeting(request, meeting_id) if meeting_id else None
    panel_services.panel_decide(actor=_user(request), case=case, meeting=meeting, **data)
    return _case_out(Case.objects.get(pk=case.pk))


@api.post(
    "/cases/{case_id}/consent", response={201: s.ConsentOut, **ERRORS}, operation_id="consent_record", tags=["panels"]
)
def consent_record(request: HttpRequest, case_id: UUID, payload: s.ConsentIn) -> Any:
    case = _case(request, case_id)
    return Status(201, panel_services.consent_record(actor=_user(request), case=case, **payload.dict()))


@api.post(
    "/cases/{case_id}/consent/withdraw",
    response={200: s.ConsentOut, **ERRORS},
    operation_id="consent_withdraw",
    tags=["panels"],
)
def consent_withdraw(request: HttpRequest, case_id: UUID, payload: s.ConsentWithdrawIn) -> Any:
    case = _case(request, case_id)
    return panel_services.consent_withdraw(actor=_user(request), case=case, **payload.dict())


@api.post(
    "/cases/{case_id}/close", response={200: s.CaseDetailOut, **ERRORS}, operation_id="case_close", tags=["panels"]
)
def case_close(request: HttpRequest, case_id: UUID, payload: s.CloseIn) -> Any:
    case = _case(request, case_id)
    panel_services.case_close(actor=_user(request), case=case, **payload.dict())
    return _case_out(Case.objects.get(pk=case.pk), detail=True)


# --- Support -----------------------------------------------------------------------------------------------


@api.post(
    "/cases/{case_id}/interventions",
    response={201: s.InterventionOut, **ERRORS},
    operation_id="intervention_add",
    tags=["support"],
)
def intervention_add(request: HttpRequest, case_id: UUID, payload: s.InterventionIn) -> Any:
    case = _case(request, case_id)
    data = payload.dict()
    provider_id = data.pop("provider_user_id")
    provider = User.objects.filter(pk=provider_id, is_active=True).first() if provider_id else None
    if provider_id and provider is None:
        raise NotFound("No user with that id.", field="provider_user_id")
    return Status(
        201, support_services.intervention_add(actor=_user(request), case=case, provider_user=provider, **data)
    )


@api.post(
    "/interventions/{intervention_id}/status",
    response={200: s.InterventionOut, **ERRORS},
    operation_id="intervention_set_status",
    tags=["support"],
)
def intervention_set_status(request: HttpRequest, intervention_id: UUID, payload: s.InterventionStatusIn) -> Any:
    # Only through a case the user may see: an intervention on another area's case is as missing as no intervention.
    item = Intervention.objects.filter(pk=intervention_id, case__in=_visible_cases(request)).first()
    if item is None:
        raise NotFound("No intervention with that id.")
    _case(request, item.case_id)
    return support_services.intervention_set_status(actor=_user(request), intervention=item, status=payload.status)


@api.post(
    "/cases/{case_id}/actions",
    response={201: s.ActionOut, **ERRORS},
    operation_id="support_action_add",
    tags=["support"],
)
def support_action_add(request: HttpRequest, case_id: UUID, payload: s.ActionIn) -> Any:
    case = _case(request, case_id)
    intervention = case.interventions.filter(pk=payload.intervention_id).first() if payload.intervention_id else None
    if payload.intervention_id and intervention is None:
        raise NotFound("No intervention with that id on this case.", field="intervention_id")
    return Status(
        201,
        support_services.support_action_add(
            actor=_user(request),
            case=case,
            description=payload.description,
            owner_name=payload.owner_name,
            due_on=payload.due_on,
            intervention=intervention,
        ),
    )


@api.post(
    "/actions/{action_id}/complete",
    response={200: s.ActionOut, **ERRORS},
    operation_id="support_action_complete",
    tags=["support"],
)
def support_action_complete(request: HttpRequest, action_id: UUID) -> Any:
    action = SupportAction.objects.filter(pk=action_id, case__in=_visible_cases(request)).first()
    if action is None:
        raise NotFound("No action with that id.")
    _case(request, action.case_id)
    return support_services.support_action_complete(actor=_user(request), action=action)


@api.post(
    "/cases/{case_id}/notes", response={201: s.NoteOut, **ERRORS}, operation_id="progress_note_add", tags=["support"]
)
def progress_note_add(request: HttpRequest, case_id: UUID, payload: s.NoteIn) -> Any:
    case = _case(request, case_id)
    intervention = case.interventions.filter(pk=payload.intervention_id).first() if payload.intervention_id else None
    if payload.intervention_id and intervention is None:
        raise NotFound("No intervention with that id on this case.", field="intervention_id")
    return Status(
        201,
        support_services.progress_note_add(
            actor=_user(request), case=case, text=payload.text, intervention=intervention
        ),
    )


# --- Reviews -----------------------------------------------------------------------------------------------


@api.get(
    "/cases/{case_id}/reviews",
    response={200: list[s.ReviewOut], **ERRORS},
    operation_id="review_list",
    tags=["reviews"],
)
def review_list(request: HttpRequest, case_id: UUID) -> Any:
    case = _case(request, case_id)
    authorize_case(_user(request), CaseAction.VIEW_DETAIL, case)
    return [_review_out(r) for r in case.reviews.select_related("policy_version").order_by("due_on", "created_at")]


@api.post(
    "/reviews/{review_id}/complete",
    response={200: s.ReviewOut, **ERRORS},
    operation_id="review_complete",
    tags=["reviews"],
)
def review_complete(request: HttpRequest, review_id: UUID, payload: s.ReviewCompleteIn) -> Any:
    review = Review.objects.filter(pk=review_id, case__in=_visible_cases(request)).first()
    if review is None:
        raise NotFound("No review with that id.")
    _case(request, review.case_id)
    done = review_services.review_complete(actor=_user(request), review=review, **payload.dict())
    return _review_out(done)


@api.post(
    "/cases/{case_id}/extend-monitoring",
    response={201: list[s.ReviewOut], **ERRORS},
    operation_id="review_extend",
    tags=["reviews"],
)
def review_extend(request: HttpRequest, case_id: UUID, payload: s.ReviewExtendIn) -> Any:
    case = _case(request, case_id)
    created = review_services.review_extend(actor=_user(request), case=case, **payload.dict())
    return Status(201, [_review_out(r) for r in created])


# --- People ------------------------------------------------------------------------------------------------


@api.get("/persons/{person_id}", response={200: s.PersonOut, **ERRORS}, operation_id="person_get", tags=["people"])
def person_get(request: HttpRequest, person_id: UUID) -> Any:
    person = person_get_for_user(user=_user(request), person_id=person_id)
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "referral_count": person.referrals.count(),
        "chronology": list(person_chronology(person=person, user=_user(request))),
        "history_outside_scope": person_history_outside_scope(person=person, user=_user(request)),
    }


# --- Handovers (receiving services) -----------------------------------------------------------------------


def _handover_out(h: Handover) -> dict[str, Any]:
    return {
        "id": h.pk,
        "service_type": h.service_type,
        "service_name": h.service_name,
        "contact": h.contact,
        "request": h.request,
        "handed_over_on": h.handed_over_on,
        "person_name": h.case.person.full_name,
        "engagement": h.engagement,
        "engagement_recorded_at": h.engagement_recorded_at,
    }


def _get_handover(request: HttpRequest, handover_id: UUID) -> Handover:
    handover = HandoverPolicy.visible_to(_user(request)).select_related("case__person").filter(pk=handover_id).first()
    if handover is None:
        raise NotFound("No handover with that id.")
    return handover


@api.get("/handovers", response={200: list[s.HandoverOut], **ERRORS}, operation_id="handover_list", tags=["handovers"])
def handover_list(request: HttpRequest) -> Any:
    rows = HandoverPolicy.visible_to(_user(request)).select_related("case__person").order_by("-handed_over_on")
    return [_handover_out(h) for h in rows[:200]]


@api.post(
    "/handovers/{handover_id}/engagement",
    response={200: s.HandoverOut, **ERRORS},
    operation_id="handover_record_engagement",
    tags=["handovers"],
)
def handover_record_engagement(request: HttpRequest, handover_id: UUID, payload: s.EngagementIn) -> Any:
    handover = _get_handover(request, handover_id)
    return _handover_out(
        assessment_services.handover_record_engagement(
            actor=_user(request), handover=handover, engaged=payload.engaged, notes=payload.notes
        )
    )


@api.post(
    "/handovers/{handover_id}/re-referral",
    response={201: s.ReferralReceipt, **ERRORS},
    operation_id="handover_raise_rereferral",
    tags=["handovers"],
)
def handover_raise_rereferral(request: HttpRequest, handover_id: UUID, payload: s.ReReferralIn) -> Any:
    handover = _get_handover(request, handover_id)
    referral = assessment_services.handover_raise_rereferral(
        actor=_user(request), handover=handover, concern=payload.concern
    )
    return Status(201, _referral_receipt(referral))
