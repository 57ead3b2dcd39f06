from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from casework.accounts.selectors import active_grant_for
from casework.audit.services import audit_record
from casework.core.errors import NotFound
from casework.people.models import ChronologyEntry, Person
from casework.people.policies import PersonPolicy

if TYPE_CHECKING:
    from casework.accounts.models import User


def person_get_for_user(*, user: User, person_id: Any) -> Person:
    person = PersonPolicy.visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound("No person with that id.")
    extra: dict[str, Any] = {}
    grant = active_grant_for(user=user, targets=[("person", person.pk)])
    if grant is not None:
        # Who, when, what and why: the read relies on a break-glass grant and its recorded reason.
        extra = {"reason": grant.reason, "data": {"grant": str(grant.pk)}}
    audit_record(event="person.viewed", actor=user, target=person, **extra)
    return person


def person_chronology(*, person: Person, user: User) -> QuerySet[ChronologyEntry]:
    """The one chronology of a person, oldest first: every region's entries for a user holding a break-glass grant
    for the person (reason recorded, flagged), otherwise those of the user's own area. The caller has already
    passed the person through `person_get_for_user` (which audits the read)."""
    entries = ChronologyEntry.objects.filter(person=person)
    if not PersonPolicy.sees_whole_history(user, person):
        entries = entries.filter(PersonPolicy.chronology_scope(user))
    return entries.select_related("actor", "local_authority").order_by("occurred_at", "id")


def person_history_outside_scope(*, person: Person, user: User) -> int:
    """How many chronology entries about the person lie outside the user's area (0 with a grant): the officer
    triaging a repeat referral must know there is history elsewhere, so they can ask to see it."""
    if PersonPolicy.sees_whole_history(user, person):
        return 0
    return ChronologyEntry.objects.filter(person=person).exclude(PersonPolicy.chronology_scope(user)).count()
