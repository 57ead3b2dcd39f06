"""The warm candidate index over every person description, and candidate search for a new referral.

The index lives in the process. It is built on first use, then kept current by adding each new description when
its transaction commits, plus a catch-up by creation time (with an overlap) so that descriptions written by other
processes are found too. Candidate records are descriptions; results are grouped to the person each description
now belongs to, so links, merges and unmerges take effect at once without rebuilding anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from casework.people.matching import MODEL_VERSION, CandidateIndex, PersonQuery, PersonRecord, find_candidates
from casework.people.models import MatchDecision, Person, PersonDescription

CATCH_UP_OVERLAP = dt.timedelta(minutes=10)
PROPOSAL_FLOOR = 0.2  # below this a pair is not worth an officer's attention
MAX_PROPOSALS = 10

_lock = threading.Lock()
_index: CandidateIndex | None = None
_known: set[str] = set()
_high_water: dt.datetime | None = None

_FIELDS = (
    "pk",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "age_estimate",
    "sex",
    "postcode",
    "address_line",
    "town",
    "created_at",
)


def _record(row: dict[str, Any]) -> PersonRecord:
    created = row["created_at"]
    assert isinstance(created, dt.datetime)
    return PersonRecord(
        record_id=str(row["pk"]),
        given_name=row["given_name"] or None,
        family_name=row["family_name"] or None,
        aliases=tuple(row["aliases"] or ()),
        date_of_birth=row["date_of_birth"],
        age_estimate=row["age_estimate"],
        sex=row["sex"] or None,
        postcode=row["postcode"] or None,
        address_line=row["address_line"] or None,
        town=row["town"] or None,
        age_reference_date=timezone.localdate(created),
    )


def _add_rows(rows: QuerySet[PersonDescription]) -> None:
    global _high_water
    assert _index is not None
    for row in rows.values(*_FIELDS).iterator(chunk_size=5000):
        key = str(row["pk"])
        created = row["created_at"]
        if key not in _known:
            _index.add(_record(row))
            _known.add(key)
        if _high_water is None or created > _high_water:
            _high_water = created


def current_index() -> CandidateIndex:
    global _index
    with _lock:
        if _index is None:
            _index = CandidateIndex([])
            _add_rows(PersonDescription.objects.all())
        elif _high_water is not None:
            _add_rows(PersonDescription.objects.filter(created_at__gte=_high_water - CATCH_UP_OVERLAP))
        else:
            _add_rows(PersonDescription.objects.all())
        return _index


def index_add(description: PersonDescription) -> None:
    """Called when a description's transaction commits (and harmless if called twice)."""
    with _lock:
        if _index is not None and str(description.pk) not in _known:
            _add_rows(PersonDescription.objects.filter(pk=description.pk))


def index_reset() -> None:
    """Forget the index (tests; or after a bulk import)."""
    global _index, _high_water
    with _lock:
        _index = None
        _known.clear()
        _high_water = None


def description_fingerprint(description: PersonDescription, person: Person) -> str:
    """What both sides of a pair knew when a decision was made. A rejected pair is proposed again only when this
    changes (a new description of the person, or a correction to their working identity)."""
    latest = person.descriptions.order_by("-created_at").values_list("pk", flat=True).first()
    raw = f"{description.pk}|{person.pk}|{latest}|{person.given_name}|{person.family_name}|{person.date_of_birth}"
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class PersonCandidate:
    person_id: uuid.UUID
    probability: float
    explanation: list[str]
    model_version: str


def candidates_for(description: PersonDescription, *, limit: int = MAX_PROPOSALS) -> list[PersonCandidate]:
    """Existing persons who may be the one this description is about, best first: one entry per person, with
    the best-matching of their descriptions' probability and explanation. Persons an officer has already said
    are not the same are left out unless either side has new data since (see `description_fingerprint`)."""
    query = PersonQuery(
        given_name=description.given_name or None,
        family_name=description.family_name or None,
        date_of_birth=description.date_of_birth,
        age_estimate=description.age_estimate,
        sex=description.sex or None,
        postcode=description.postcode or None,
        address_line=description.address_line or None,
        town=description.town or None,
        aliases=tuple(description.aliases or ()),
        age_reference_date=timezone.localdate(description.created_at) if description.created_at else None,
    )
    found = find_candidates(query, index=current_index(), limit=limit * 3)
    owner = dict(PersonDescription.objects.filter(pk__in=[c.record_id for c in found]).values_list("pk", "person_id"))
    merged = dict(
        Person.objects.filter(pk__in=set(owner.values()), merged_into__isnull=False).values_list("pk", "merged_into_id")
    )
    best: dict[uuid.UUID, PersonCandidate] = {}
    for c in found:
        person_id = owner.get(uuid.UUID(c.record_id))
        if person_id is None:
            continue  # a description that no longer exists (e.g. rolled back)
        person_id = merged.get(person_id, person_id)
        if person_id == description.person_id or c.match_probability < PROPOSAL_FLOOR:
            continue
        if person_id not in best or c.match_probability > best[person_id].probability:
            best[person_id] = PersonCandidate(
                person_id=person_id,
                probability=round(c.match_probability, 4),
                explanation=[e.text for e in c.explanation],
                model_version=MODEL_VERSION,
            )
    rejected = {
        d.person_id: d.fingerprint
        for d in MatchDecision.objects.filter(description=description, same_person=False, person_id__in=list(best))
    }
    out = []
    for person_id, cand in best.items():
        if person_id in rejected:
            person = Person.objects.get(pk=person_id)
            if description_fingerprint(description, person) == rejected[person_id]:
                continue
        out.append(cand)
    return sorted(out, key=lambda c: -c.probability)[:limit]
