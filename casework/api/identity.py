"""Identity operations: a referral's possible matches, and the officer's decisions on them; person merges."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from casework.accounts.models import User
from casework.api.base import api
from casework.api.v1 import ERRORS
from casework.core.errors import NotFound
from casework.people.models import MatchProposal, Person, PersonMerge
from casework.people.policies import PersonPolicy
from casework.referrals import services as referral_services
from casework.referrals.models import Referral
from casework.referrals.selectors import referral_get_for_user


class EarlierReferral(Schema):
    reference: str
    referred_on: dt.date
    sector: str
    region: str


class CandidateOut(Schema):
    person_id: UUID
    probability: float
    explanation: list[str]
    model_version: str
    status: str
    in_your_scope: bool
    name: str | None = None
    date_of_birth: dt.date | None = None


class ReferralOut(Schema):
    id: UUID
    reference: str
    case_id: UUID
    person_id: UUID
    referred_on: dt.date
    sector: str
    urgency: str
    concern: str
    repeat_referral: bool
    previous_referral_count: int
    earlier_referrals: list[EarlierReferral]
    re_referral_of: UUID | None
    possible_matches: list[CandidateOut]


class LinkIn(Schema):
    person_id: UUID
    reason: str = ""
    expected_version: int | None = None


class MergeIn(Schema):
    into_person_id: UUID
    reason: str


class MergeOut(Schema):
    id: int
    source_id: UUID
    target_id: UUID
    merged_at: dt.datetime
    unmerged_at: dt.datetime | None


class UnmergeIn(Schema):
    reason: str


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _candidates(user: User, referral: Referral) -> list[dict[str, Any]]:
    visible = set(PersonPolicy.visible_to(user).values_list("pk", flat=True))
    out = []
    for p in MatchProposal.objects.filter(description=referral.description).select_related("candidate"):
        in_scope = p.candidate_id in visible
        # Outside the officer's scope the match is shown without identifying details until they open the
        # person's history with a recorded reason (the repeat-referral rule).
        out.append(
            {
                "person_id": p.candidate_id,
                "probability": p.probability,
                "explanation": p.explanation,
                "model_version": p.model_version,
                "status": p.status,
                "in_your_scope": in_scope,
                "name": p.candidate.full_name if in_scope else None,
                "date_of_birth": p.candidate.date_of_birth if in_scope else None,
            }
        )
    return out


@api.get(
    "/referrals/{referral_id}", response={200: ReferralOut, **ERRORS}, operation_id="referral_get", tags=["referrals"]
)
def referral_get(request: HttpRequest, referral_id: UUID) -> Any:
    return _referral_out(_user(request), referral_get_for_user(user=_user(request), referral_id=referral_id))


def _referral_out(user: User, referral: Referral) -> dict[str, Any]:
    earlier = (
        Referral.objects.filter(person_id=referral.person_id, received_at__lt=referral.received_at)
        .select_related("region")
        .order_by("referred_on")
    )
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "case_id": referral.case_id,
        "person_id": referral.person_id,
        "referred_on": referral.referred_on,
        "sector": referral.sector,
        "urgency": referral.urgency,
        "concern": referral.concern,
        "repeat_referral": referral.is_repeat,
        "previous_referral_count": referral.previous_referral_count,
        "earlier_referrals": [
            {"reference": r.reference, "referred_on": r.referred_on, "sector": r.sector, "region": r.region.code}
            for r in earlier
        ],
        "re_referral_of": referral.re_referral_of_id,
        "possible_matches": _candidates(user, referral),
    }


def _linkable_person(user: User, referral: Referral, person_id: UUID) -> Person:
    """A person the officer may link to: one proposed for this referral (whatever its region), or one they can
    see anyway."""
    proposed = MatchProposal.objects.filter(description=referral.description, candidate_id=person_id).exists()
    person = (Person.objects if proposed else PersonPolicy.visible_to(user)).filter(pk=person_id).first()
    if person is None:
        raise NotFound("No person with that id.", field="person_id")
    return person


@api.post(
    "/referrals/{referral_id}/link",
    response={200: ReferralOut, **ERRORS},
    operation_id="referral_link_person",
    tags=["referrals"],
)
def referral_link_person(request: HttpRequest, referral_id: UUID, payload: LinkIn) -> Any:
    referral = referral_get_for_user(user=_user(request), referral_id=referral_id)
    person = _linkable_person(_user(request), referral, payload.person_id)
    linked = referral_services.referral_link_person(
        actor=_user(request),
        referral=referral,
        person=person,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    # The referral may now sit in the person's open case in another region: answer with what was done.
    return _referral_out(_user(request), linked)


@api.post(
    "/referrals/{referral_id}/reject-match",
    response={200: ReferralOut, **ERRORS},
    operation_id="referral_reject_match",
    tags=["referrals"],
)
def referral_reject_match(request: HttpRequest, referral_id: UUID, payload: LinkIn) -> Any:
    referral = referral_get_for_user(user=_user(request), referral_id=referral_id)
    person = _linkable_person(_user(request), referral, payload.person_id)
    referral_services.referral_reject_match(
        actor=_user(request), referral=referral, person=person, reason=payload.reason
    )
    return referral_get(request, referral_id)


@api.post(
    "/persons/{person_id}/merge", response={201: MergeOut, **ERRORS}, operation_id="person_merge", tags=["people"]
)
def person_merge(request: HttpRequest, person_id: UUID, payload: MergeIn) -> Any:
    visible = PersonPolicy.visible_to(_user(request))
    source = visible.filter(pk=person_id).first()
    target = visible.filter(pk=payload.into_person_id).first()
    if source is None or target is None:
        raise NotFound("No person with that id.")
    if _user(request).role not in ("prevent_officer", "prevent_supervisor"):
        raise NotFound("No person with that id.")
    merge = referral_services.person_merge(actor=_user(request), source=source, target=target, reason=payload.reason)
    return Status(201, merge)


@api.post(
    "/merges/{merge_id}/unmerge", response={200: MergeOut, **ERRORS}, operation_id="person_unmerge", tags=["people"]
)
def person_unmerge(request: HttpRequest, merge_id: int, payload: UnmergeIn) -> Any:
    merge = PersonMerge.objects.filter(pk=merge_id, target__in=PersonPolicy.visible_to(_user(request))).first()
    if merge is None or _user(request).role not in ("prevent_officer", "prevent_supervisor"):
        raise NotFound("No merge with that id.")
    referral_services.person_unmerge(actor=_user(request), merge=merge, reason=payload.reason)
    merge.refresh_from_db()
    return merge
