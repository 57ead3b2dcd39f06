"""In-memory candidate index for interactive search at intake.

Blocking keys mirror the bulk model's blocking rules and the scorer reuses the trained Splink m/u weights
(``model.score``), so a probability shown at intake means the same as one in a bulk linkage report.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .model import (
    COMPARISONS,
    DOB,
    FAMILY,
    GIVEN,
    LOCATION,
    NATIONAL_ID,
    SEX,
    TrainedWeights,
    default_prior,
    load_weights,
    postprocess,
    prior_log2,
    score,
)
from .normalise import family_group_label, given_group_label, name_features, record_features

# Scoring every holder of a very common name (e.g. thousands of "Muhammad Khan") would blow the latency
# budget; candidates hit by more blocking keys are scored first and the rest are cut at this many.
MAX_SCORED_CANDIDATES = 2500
# Name-only buckets ("n:", "gf:") for a common name hold thousands of persons at national scale. Like the
# bulk path's capped name rules, a bucket larger than this is skipped when the query's other keys (name +
# birth year, date of birth, postcode, address) already found someone; a name-only query still uses it.
NAME_BUCKET_CAP = 400
_NAME_ONLY_TAGS = ("n:", "gf:", "fg:")
# Hand-set evidence for an estimated age (not in the Splink model, which only sees full dates of birth).
AGE_CONSISTENT_LOG2 = math.log2(0.9 / 0.15)
AGE_INCONSISTENT_LOG2 = math.log2(0.05 / 0.7)


@dataclass(frozen=True)
class PersonRecord:
    """A person as held by the case system; ``aliases`` are "Given Family" strings or (given, family)."""

    record_id: str
    given_name: str | None
    family_name: str | None
    aliases: Sequence[str | tuple[str, str]] = ()
    date_of_birth: date | None = None
    age_estimate: float | None = None
    sex: str | None = None
    postcode: str | None = None
    address_line: str | None = None
    town: str | None = None
    age_reference_date: date | None = None
    national_id: str | None = None


@dataclass(frozen=True)
class PersonQuery:
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    age_estimate: float | None = None
    sex: str | None = None
    postcode: str | None = None
    address_line: str | None = None
    town: str | None = None
    national_id: str | None = None
    aliases: Sequence[str | tuple[str, str]] = ()
    age_reference_date: date | None = None


@dataclass(frozen=True)
class FieldExplanation:
    field: str
    outcome: str
    text: str
    weight: float  # log2 Bayes factor contributed; positive supports a match


@dataclass(frozen=True)
class Candidate:
    record_id: str
    match_probability: float
    explanation: list[FieldExplanation] = field(default_factory=list)
    match_weight: float = 0.0
    matched_name: str = ""


def _split_alias(alias: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(alias, tuple):
        return alias
    parts = alias.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def _coerce(record: PersonRecord | Sequence[Any]) -> PersonRecord:
    if isinstance(record, PersonRecord):
        return record
    return PersonRecord(*record)


def _age(dob: date | None, estimate: float | None, ref: date | None) -> float | None:
    if dob is not None:
        # Records without a reference date are aged as of today (UTC) — the intake desk's "now".
        today = ref or datetime.now(UTC).date()
        return (today - dob).days / 365.25
    return estimate


@dataclass
class _Entry:
    record: PersonRecord
    names: list[tuple[str, dict[str, Any]]]  # (display name, features) for the primary name and each alias
    keys: set[str]


def _features(given: str | None, family: str | None, base: dict[str, Any]) -> dict[str, Any]:
    feats = dict(base)
    feats.update(name_features(given, family))
    return feats


def _keys(f: dict[str, Any]) -> set[str]:
    """Blocking keys a record is filed under (one family per BLOCKING_RULES entry)."""
    keys: set[str] = set()

    def add(tag: str, *parts: Any) -> None:
        if all(p is not None for p in parts):
            keys.add(tag + "|".join(str(p) for p in parts))

    add("n:", f["name_key"])
    add("ny:", f["name_key"], f["dob_y"])
    add("gf:", f["gn_key"], f["fn_sx"])
    add("fg:", f["fn_key"], f["gn_sx"])
    add("dn:", f["dob_dm"], f["fn_sx"])
    add("dn:", f["dob_dm"], f["gn_sx"])
    add("dg:", f["dob_dm"], f["gn_key"])
    add("pn:", f["pc"], f["gn_sx"])
    add("pn:", f["pc"], f["fn_sx"])
    add("dp:", f["dob"], f["pc_district"])
    add("at:", f["addr"], f["town"])
    add("id:", f["nid"])
    add("di:", f["dob"], f["gn_i"])
    add("mf:", f["dob_md"], f["fn_key"], f["gn_i"])
    return keys


class CandidateIndex:
    """Thread-safe for concurrent readers with occasional ``add``/``remove`` (guarded by a lock)."""

    def __init__(
        self, records: Iterable[PersonRecord | Sequence[Any]] = (), *, weights: TrainedWeights | None = None
    ) -> None:
        self._weights = weights or load_weights()
        self._entries: dict[str, _Entry] = {}
        self._buckets: dict[str, set[str]] = {}
        self._tf: dict[str, Counter[str]] = {"gn": Counter(), "fn": Counter()}
        self._lock = threading.RLock()
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._entries

    def add(self, record: PersonRecord | Sequence[Any]) -> None:
        """Add or replace a record."""
        rec = _coerce(record)
        base = record_features(
            None, None, rec.date_of_birth, rec.sex, rec.address_line, rec.town, rec.postcode, rec.national_id
        )
        names = [
            (
                f"{rec.given_name or ''} {rec.family_name or ''}".strip(),
                _features(rec.given_name, rec.family_name, base),
            )
        ]
        for alias in rec.aliases:
            g, f = _split_alias(alias)
            names.append((f"{g} {f}".strip(), _features(g, f, base)))
        keys: set[str] = set()
        for _, feats in names:
            keys |= _keys(feats)
        with self._lock:
            if rec.record_id in self._entries:
                self.remove(rec.record_id)
            self._entries[rec.record_id] = _Entry(rec, names, keys)
            for key in keys:
                self._buckets.setdefault(key, set()).add(rec.record_id)
            primary = names[0][1]
            for col in ("gn", "fn"):
                if primary[col] is not None:
                    self._tf[col][primary[col]] += 1

    def remove(self, record_id: str) -> None:
        with self._lock:
            entry = self._entries.pop(record_id, None)
            if entry is None:
                return
            for key in entry.keys:
                bucket = self._buckets.get(key)
                if bucket is not None:
                    bucket.discard(record_id)
                    if not bucket:
                        del self._buckets[key]
            primary = entry.names[0][1]
            for col in ("gn", "fn"):
                value = primary[col]
                if value is not None:
                    self._tf[col][value] -= 1
                    if self._tf[col][value] <= 0:
                        del self._tf[col][value]

    def _term_frequency(self, column: str, value: str | None) -> float | None:
        if value is None:
            return None
        count = self._tf[column].get(value, 0)
        if not count:
            return None
        return count / max(len(self._entries), 1)

    def _lookup_keys(self, f: dict[str, Any]) -> list[str]:
        # The query plays the left side of each rule, including the cross (swapped-name) rules.
        keys = _keys(f)
        for sx in (f["gn_sx"], f["fn_sx"]):
            if f["dob_dm"] is not None and sx is not None:
                keys.add(f"dn:{f['dob_dm']}|{sx}")
            if f["pc"] is not None and sx is not None:
                keys.add(f"pn:{f['pc']}|{sx}")
        return sorted(keys)

    def search(self, query: PersonQuery, *, limit: int = 10) -> list[Candidate]:
        base = record_features(
            None,
            None,
            query.date_of_birth,
            query.sex,
            query.address_line,
            query.town,
            query.postcode,
            query.national_id,
        )
        qnames = [
            (
                f"{query.given_name or ''} {query.family_name or ''}".strip(),
                _features(query.given_name, query.family_name, base),
            )
        ]
        for alias in query.aliases:
            g, f = _split_alias(alias)
            qnames.append((f"{g} {f}".strip(), _features(g, f, base)))

        hits: Counter[str] = Counter()
        with self._lock:
            oversized: list[set[str]] = []
            for _, qf in qnames:
                for key in self._lookup_keys(qf):
                    bucket = self._buckets.get(key)
                    if bucket:
                        if len(bucket) > NAME_BUCKET_CAP and key.startswith(_NAME_ONLY_TAGS):
                            oversized.append(bucket)
                        else:
                            hits.update(bucket)
            if not hits:
                for bucket in oversized:
                    hits.update(bucket)
            if len(hits) > MAX_SCORED_CANDIDATES:
                ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SCORED_CANDIDATES]
                candidate_ids = [rid for rid, _ in ranked]
            else:
                candidate_ids = list(hits)
            entries = [self._entries[rid] for rid in candidate_ids if rid in self._entries]
            prior = default_prior(len(self._entries))
            results = [self._score_entry(qnames, query, entry, prior) for entry in entries]
        results.sort(key=lambda c: (-c.match_probability, -c.match_weight, c.record_id))
        return results[:limit]

    def _score_entry(
        self, qnames: list[tuple[str, dict[str, Any]]], query: PersonQuery, entry: _Entry, prior: float
    ) -> Candidate:
        best: tuple[float, float, dict[str, int], dict[str, Any], dict[str, Any], str] | None = None
        for _, qf in qnames:
            for display, rf in entry.names:
                p, gammas, mw = score(qf, rf, self._weights, prior, self._term_frequency)
                if best is None or mw > best[1]:
                    best = (p, mw, gammas, qf, rf, display)
        assert best is not None
        _, mw, gammas, qf, rf, display = best
        rec = entry.record
        age_term = 0.0
        age_note: FieldExplanation | None = None
        if gammas[DOB.name] == -1:
            q_age = _age(query.date_of_birth, query.age_estimate, query.age_reference_date)
            r_age = _age(rec.date_of_birth, rec.age_estimate, rec.age_reference_date)
            if q_age is not None and r_age is not None:
                diff = abs(q_age - r_age)
                if diff <= 2:
                    age_term, text = AGE_CONSISTENT_LOG2, f"age: consistent (about {r_age:.0f})"
                elif diff > 5:
                    age_term, text = AGE_INCONSISTENT_LOG2, f"age: inconsistent ({q_age:.0f} vs {r_age:.0f})"
                else:
                    text = f"age: roughly similar ({q_age:.0f} vs {r_age:.0f})"
                age_note = FieldExplanation("age", "estimate", text, round(age_term, 2))
        mw += age_term
        probability = postprocess(1.0 / (1.0 + 2.0 ** (-mw)), gammas)
        explanation = explain(qf, rf, gammas, self._weights, self._term_frequency)
        if age_note is not None:
            explanation.append(age_note)
        if display != entry.names[0][0]:
            explanation.insert(0, FieldExplanation("alias", "matched", f"matched on alias '{display}'", 0.0))
        return Candidate(rec.record_id, round(probability, 6), explanation, round(mw, 3), display)


def _pair(a: str | None, b: str | None) -> str:
    return f"{a}/{b}" if a != b else str(a)


def explain(
    q: dict[str, Any], r: dict[str, Any], gammas: dict[str, int], weights: TrainedWeights, tf: Any = None
) -> list[FieldExplanation]:
    """Human-readable reason per field, in the model's own terms."""
    from rapidfuzz.distance import JaroWinkler

    out: list[FieldExplanation] = []
    for comp in COMPARISONS:
        g = gammas[comp.name]
        w = round(weights.bayes_factor_log2[comp.name][g], 2)
        label = comp.level_label(g)
        if comp is NATIONAL_ID and g == -1:
            continue
        if (
            comp is FAMILY
            and gammas[GIVEN.name] == GIVEN.gamma_of("swapped with family name")
            and g == FAMILY.gamma_of("swapped with given name")
        ):
            continue
        text = f"{comp.description}: {label}"
        if comp in (GIVEN, FAMILY):
            col = "gn" if comp is GIVEN else "fn"
            qa, ra = q[col], r[col]
            if label == "exact":
                text = f"{comp.description}: exact ({qa})"
            elif label == "known variant":
                groups = set(q[f"{col}_groups"] or ()) & set(r[f"{col}_groups"] or ())
                head = (given_group_label if comp is GIVEN else family_group_label)(min(groups)) if groups else ""
                text = f"{comp.description}: known variant ({_pair(qa, ra)}, forms of {head})"
            elif label.startswith("swapped"):
                text = "given and family names swapped"
            elif label in ("similar", "loosely similar", "sounds alike"):
                jw = JaroWinkler.similarity(qa, ra)
                text = f"{comp.description}: {label}, Jaro-Winkler {jw:.2f} ({qa}/{ra})"
            elif label.startswith("shares"):
                text = f"{comp.description}: {label} ({qa}/{ra})"
            elif label == "different":
                text = f"{comp.description}: different ({qa}/{ra})"
            else:
                text = f"{comp.description}: missing on one side"
        elif comp is DOB:
            text = {
                "exact": "date of birth: exact match",
                "day and month swapped": f"date of birth: day and month swapped ({q['dob']}/{r['dob']})",
                "one digit different": f"date of birth: one digit different ({q['dob']}/{r['dob']})",
                "within two years": f"date of birth: different but within two years ({q['dob']}/{r['dob']})",
                "different": f"date of birth: different ({q['dob']}/{r['dob']})",
            }.get(label, "date of birth: missing on one side")
        elif comp is SEX:
            text = f"sex: {label}"
        elif comp is LOCATION:
            if label == "same postcode district or town":
                label = "same district" if q["pc_district"] and q["pc_district"] == r["pc_district"] else "same town"
                text = f"postcode: {label}" if label == "same district" else f"town: {label}"
            else:
                text = {
                    "same address and postcode": "address: same address and postcode",
                    "same postcode": "postcode: same postcode",
                    "same address line, postcode differs or missing": "address: same address line, "
                    "postcode differs or missing",
                    "postcode one character different": (f"postcode: one character different ({q['pc']}/{r['pc']})"),
                    "same postcode sector": "postcode: same sector",
                    "different": "address: different",
                }.get(label, "address: missing on one side")
        if tf is not None and comp in (GIVEN, FAMILY) and label == "exact":
            col = "gn" if comp is GIVEN else "fn"
            key = (comp.name, g)
            if key in weights.tf_levels:
                _, u_exact = weights.tf_levels[key]
                freqs = [f for f in (tf(col, q[col]), tf(col, r[col])) if f]
                freq = max(freqs) if freqs else None
                if freq:
                    w = round(w + math.log2(u_exact) - math.log2(freq), 2)
                    if freq > u_exact:
                        text += ", a common name"
        out.append(FieldExplanation(comp.name, label, text, w))
    return out


__all__ = [
    "Candidate",
    "CandidateIndex",
    "FieldExplanation",
    "PersonQuery",
    "PersonRecord",
    "explain",
    "prior_log2",
]
