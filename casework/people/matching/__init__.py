"""Identity matching for Casework: the narrow public API over ``internals/``.

Matching only *proposes*; a person never gets merged without a human decision.

Bulk linkage (Splink 5 on DuckDB, trained model ``models/person_linkage_v3.json``)::

    link_csv(input_path, output_path, *, threshold=0.5, min_probability=0.05, progress=False,
             memory_limit=None, consistency=True) -> LinkSummary

    Dedupes one CSV with header ``record_id,given_name,family_name,date_of_birth,sex,address_line,town,
    postcode,national_id`` (dates YYYY-MM-DD; any field but record_id may be blank). Writes
    ``record_id_l,record_id_r,match_probability`` for every pair scoring >= ``min_probability``;
    pairs >= ``threshold`` are proposed matches (counted in ``LinkSummary.proposed_matches``).
    A missing header column raises ``LinkageInputError`` (a ``ValueError``) naming it; a malformed
    date is treated as blank and counted in ``LinkSummary.malformed_dates``.

    On top of the Splink score a deterministic layer applies: national ids equal -> >= 0.999;
    both present and different -> <= 0.001; clearly different given names (siblings, twins) or
    clearly different dates of birth (father/son namesakes) -> <= 0.2.

    Then a file-wide consistency step (``internals/clusters.py``; ``consistency=False`` skips it) keeps each
    record with one person: proposed pairs are grouped strongest first, never joining records whose
    national ids differ or whose dates of birth are years apart; a proposed pair split by a stronger link
    drops below the threshold, and a compared pair inside a group rises to the link that joined it.

    Scales to 1,000,000 rows (1-3 minutes, under 4 GB on 2 cores; normalisation forks per CPU above
    50k rows): the name-only blocking rules skip
    names shared by more than ``NAME_BLOCK_CAP`` records (``internals/model.py``), whose pairs are also
    blocked on name + birth year, date of birth or postcode.

Interactive search (in-memory, reuses the same m/u weights so probabilities are comparable)::

    index = CandidateIndex(records)          # iterable of PersonRecord or equivalent tuples
    index.add(record); index.remove(record_id)
    find_candidates(query: PersonQuery, *, index: CandidateIndex, limit=10) -> list[Candidate]

    ``Candidate`` has ``record_id``, ``match_probability`` (0-1), ``match_weight`` (log2 odds),
    ``matched_name`` and ``explanation: list[FieldExplanation]`` (``field``, ``outcome``, ``text``,
    ``weight``) with texts such as "given name: known variant (mohammed/muhammad, forms of muhammad)",
    "date of birth: day and month swapped (...)", "postcode: same district",
    "given and family names swapped".

Also: ``MODEL_VERSION`` (recorded with every link decision), ``generate_people``/``write_csv`` in
``synthetic`` for test data, and ``train`` (``python -m casework.people.matching.train``) to rebuild
the model deterministically.
"""

from __future__ import annotations

from .internals.bulk import LinkageInputError, LinkSummary, link_csv
from .internals.index import Candidate, CandidateIndex, FieldExplanation, PersonQuery, PersonRecord
from .internals.model import MODEL_VERSION


def find_candidates(query: PersonQuery, *, index: CandidateIndex, limit: int = 10) -> list[Candidate]:
    """Best-scoring existing records for ``query``, highest probability first."""
    return index.search(query, limit=limit)


__all__ = [
    "MODEL_VERSION",
    "Candidate",
    "CandidateIndex",
    "FieldExplanation",
    "LinkSummary",
    "LinkageInputError",
    "PersonQuery",
    "PersonRecord",
    "find_candidates",
    "link_csv",
]
