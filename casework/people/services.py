from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import LocalAuthority
from casework.audit.services import audit_record
from casework.people.models import ChronologyEntry, MatchProposal, Person, PersonArea, PersonDescription

if TYPE_CHECKING:
    from casework.accounts.models import User


@transaction.atomic
def person_create_from_description(*, actor: User | None, description: dict[str, Any]) -> PersonDescription:
    """Create a new person whose working identity is taken from this first description."""
    person = Person.objects.create(
        given_name=description.get("given_name", ""),
        family_name=description.get("family_name", ""),
        date_of_birth=description.get("date_of_birth"),
        sex=description.get("sex") or "other",
    )
    desc = PersonDescription.objects.create(person=person, **description)
    audit_record(event="person.created", actor=actor, target=person, data={"description": str(desc.pk)})
    return desc


def person_add_area(*, person: Person, local_authority: LocalAuthority) -> None:
    PersonArea.objects.get_or_create(
        person=person, region_id=local_authority.region_id, local_authority=local_authority
    )


def chronology_append(
    *,
    person: Person,
    kind: str,
    title: str,
    detail: str = "",
    actor: User | None = None,
    case_id: UUID | None = None,
    referral_id: UUID | None = None,
    local_authority: LocalAuthority | None = None,
) -> ChronologyEntry:
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=timezone.now(),
        kind=kind,
        title=title,
        detail=detail,
        actor=actor if actor is not None and actor.is_authenticated else None,
        case_id=case_id,
        referral_id=referral_id,
        local_authority=local_authority,
        region_id=local_authority.region_id if local_authority else None,
    )


def match_proposals_create(*, actor: User | None, description: PersonDescription) -> list[MatchProposal]:
    """Propose existing persons who may be the one this description is about (never link them: an officer
    decides). Each proposal keeps its probability, explanation and model version. The description joins the
    candidate index when this transaction commits. Audits `person.candidates_proposed`."""
    from casework.people import identity

    proposals = [
        MatchProposal.objects.create(
            description=description,
            candidate_id=c.person_id,
            probability=c.probability,
            explanation=c.explanation,
            model_version=c.model_version,
            proposed_at=timezone.now(),
        )
        for c in identity.candidates_for(description)
    ]
    if proposals:
        audit_record(
            event="person.candidates_proposed",
            actor=actor,
            target=description.person,
            data={
                "description": str(description.pk),
                "candidates": len(proposals),
                "best": proposals[0].probability,
                "model_version": proposals[0].model_version,
            },
        )
    transaction.on_commit(lambda: identity.index_add(description))
    return proposals
