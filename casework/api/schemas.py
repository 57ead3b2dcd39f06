from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] | None = None


class PersonDescriptionIn(Schema):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    aliases: list[str] = []
    date_of_birth: dt.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    sex: Literal["male", "female", "other"] = "other"
    address_line: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    languages: str = Field("", max_length=200)
    school_or_employer: str = Field("", max_length=200)


class ReferralIn(Schema):
    person: PersonDescriptionIn
    local_authority: str = Field(..., description="Local authority code where the person lives, e.g. 'leeds'.")
    referrer_name: str = Field(..., min_length=1, max_length=150)
    referrer_email: str = Field("", max_length=254)
    referrer_phone: str = Field("", max_length=30)
    referrer_organisation: str = Field("", max_length=150)
    referrer_role: str = Field("", max_length=100)
    sector: str
    concern: str = Field(..., min_length=1)
    referred_on: dt.date | None = None
    urgency: str = "routine"
    immediate_risk: bool = False
    immediate_risk_details: str = ""


class ReferralReceipt(Schema):
    id: UUID
    reference: str
    case_id: UUID
    case_reference: str
    received_at: dt.datetime
    repeat_referral: bool
    previous_referral_count: int


class VersionedIn(Schema):
    expected_version: int | None = Field(None, description="The case version you loaded; a stale one is refused.")


class ScreenIn(VersionedIn):
    deconfliction: str
    outcome: str = "proceed"
    notes: str = ""


class FactorIn(Schema):
    dimension: str
    factor: str
    present: bool = True
    evidence: str = ""


class HandoverIn(Schema):
    service_type: str
    service_name: str
    contact: str
    request: str
    handed_over_on: dt.date | None = None
    receiving_user_id: int | None = Field(None, description="The receiving service's Casework account, if it has one.")


class AssessIn(VersionedIn):
    concern_type: str
    ideology_or_grievance: str = ""
    other_vulnerabilities: list[str] = []
    factors: list[FactorIn] = []
    rationale: str
    decision: str
    handover: HandoverIn | None = None


class CountersignIn(VersionedIn):
    approve: bool
    note: str = ""


class AssessmentOut(Schema):
    id: UUID
    number: int
    decision: str
    concern_type: str
    countersign_required: bool
    countersign_status: str
    countersign_reason: str
    policy_version: str


class MeetingIn(Schema):
    panel_id: int
    date: dt.date
    location: str = ""


class MeetingOut(Schema):
    id: UUID
    panel_id: int
    date: dt.date
    status: str
    location: str


class AgendaIn(Schema):
    case_id: UUID


class InviteIn(Schema):
    user_id: int
    agency: str


class GuestIn(Schema):
    name: str
    agency: str


class AttendanceIn(Schema):
    attended_user_ids: list[int]
    guests: list[GuestIn] = []


class MinutesIn(Schema):
    case_id: UUID
    minutes: str


class VafFactorIn(Schema):
    dimension: str
    factor: str
    rating: str
    evidence: str


class VafIn(Schema):
    factors: list[VafFactorIn]
    summary: str = ""
    meeting_id: UUID | None = None


class PanelDecideIn(VersionedIn):
    decision: str
    rationale: str
    not_adopted_outcome: str = ""
    meeting_id: UUID | None = None
    handover: HandoverIn | None = None


class ConsentIn(VersionedIn):
    status: str
    given_by: str
    given_by_name: str
    decided_on: dt.date | None = None
    notes: str = ""
    refused_next_step: str = "police_led"


class ConsentWithdrawIn(VersionedIn):
    withdrawn_on: dt.date | None = None
    notes: str = ""
    next_step: str = "closed"


class ConsentOut(Schema):
    id: UUID
    status: str
    given_by: str
    decided_on: dt.date
    withdrawn_on: dt.date | None


class InterventionIn(Schema):
    type: str
    provider_name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    provider_user_id: int | None = None
    goals: str = ""


class InterventionStatusIn(Schema):
    status: str


class InterventionOut(Schema):
    id: UUID
    type: str
    provider_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str


class ActionIn(Schema):
    description: str
    owner_name: str
    due_on: dt.date
    intervention_id: UUID | None = None


class ActionOut(Schema):
    id: UUID
    description: str
    owner_name: str
    due_on: dt.date
    done_at: dt.datetime | None


class NoteIn(Schema):
    text: str
    intervention_id: UUID | None = None


class NoteOut(Schema):
    id: UUID
    written_at: dt.datetime
    text: str


class CloseIn(VersionedIn):
    reason: str
    rationale: str
    closed_on: dt.date | None = None


class ReviewCompleteIn(VersionedIn):
    outcome: str
    notes: str
    rereferral_concern: str = Field("", description="Assurance reviews only: raise a linked re-referral.")


class ReviewExtendIn(VersionedIn):
    until_months: int = Field(..., ge=1)
    reason: str


class ReviewOut(Schema):
    id: UUID
    case_id: UUID
    kind: str
    due_on: dt.date
    status: str
    months_after_closure: int | None
    closure_cycle: int
    outcome: str
    completed_on: dt.date | None
    policy_version: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: dt.datetime
    reason: str
    policy_version: str | None


class CaseOut(Schema):
    id: UUID
    reference: str
    status: str
    status_label: str
    version: int
    person_id: UUID
    region: str
    local_authority: str
    opened_at: dt.datetime
    adopted_at: dt.datetime | None
    closed_on: dt.date | None
    closure_reason: str
    closure_cycle: int
    reopened_count: int
    referral_count: int
    allowed_transitions: list[str]


class CaseDetailOut(CaseOut):
    status_history: list[StatusChangeOut]
    reviews: list[ReviewOut]
    next_review_due_on: dt.date | None


class ChronologyOut(Schema):
    occurred_at: dt.datetime
    kind: str
    title: str
    detail: str
    case_id: UUID | None


class PersonOut(Schema):
    id: UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    referral_count: int
    chronology: list[ChronologyOut]
    history_outside_scope: int = Field(0, description="Entries in other areas: ask for access (with a reason).")


class HandoverOut(Schema):
    id: UUID
    service_type: str
    service_name: str
    contact: str
    request: str
    handed_over_on: dt.date
    person_name: str
    engagement: str
    engagement_recorded_at: dt.datetime | None


class EngagementIn(Schema):
    engaged: bool
    notes: str


class ReReferralIn(Schema):
    concern: str
