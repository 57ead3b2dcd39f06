from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

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
    audit_record(event="person.viewed", actor=user, target=person)
    return person


def person_chronology(*, person: Person) -> QuerySet[ChronologyEntry]:
    """The one chronology of a person across all their cases and regions, oldest first. The caller has
    already passed the person through `person_get_for_user` (which audits the read)."""
    return (
        ChronologyEntry.objects.filter(person=person)
        .select_related("actor", "local_authority")
        .order_by("occurred_at", "id")
    )
