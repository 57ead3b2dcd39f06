"""Model specification shared by the Splink bulk path and the in-memory scorer.

Every comparison level is written twice: as Splink SQL (evaluated by DuckDB) and as a Python predicate
(evaluated per candidate at intake). ``tests/test_matching.py`` checks both give the same comparison vector
and probability on generated pairs, so interactive and bulk probabilities stay comparable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

MODEL_VERSION = "person_linkage_v3"
MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / f"{MODEL_VERSION}.json"

# Keys we add to Splink's saved model for provenance; they must be removed before Splink reads it.
MODEL_METADATA_KEYS = ("model_version", "training")

Features = Mapping[str, Any]


def _jw(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return 0.0
    return JaroWinkler.similarity(a, b)


def _dl(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return 99
    return DamerauLevenshtein.distance(a, b)


def _any(a: Any, b: Any) -> bool:
    if not a or not b:
        return False
    return not set(a).isdisjoint(b)


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _close(a: Features, b: Features) -> bool:
    """Given name of ``a`` agrees with the family name of ``b``."""
    return (
        _eq(a["gn_key"], b["fn_key"])
        or (b["fn_parts"] is not None and a["gn_key"] in b["fn_parts"])
        or _jw(a["gn"], b["fn"]) >= 0.88
    )


def _names_swapped(a: Features, b: Features) -> bool:
    if a["fn"] is None or b["fn"] is None:
        return False
    return _close(a, b) and _close(b, a)


_SWAP_SQL = (
    "(fn_l IS NOT NULL AND fn_r IS NOT NULL"
    " AND (gn_key_l = fn_key_r OR list_contains(fn_parts_r, gn_key_l)"
    " OR jaro_winkler_similarity(gn_l, fn_r) >= 0.88)"
    " AND (gn_key_r = fn_key_l OR list_contains(fn_parts_l, gn_key_r)"
    " OR jaro_winkler_similarity(gn_r, fn_l) >= 0.88))"
)


_TYPO_SQL = "damerau_levenshtein({c}_l, {c}_r) <= CASE WHEN least(length({c}_l), length({c}_r)) >= 5 THEN 2 ELSE 1 END"


def _typos(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return _dl(a, b) <= (2 if min(len(a), len(b)) >= 5 else 1)


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Callable[[Features, Features], bool]
    is_null: bool = False
    # Column whose value frequency adjusts this level's weight (a match on "Smith" is weaker evidence).
    tf_column: str | None = None


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    description: str
    levels: tuple[Level, ...]

    def gamma(self, a: Features, b: Features) -> int:
        """Splink's gamma: -1 for the null level, then n-1 .. 0 for the remaining levels in order."""
        non_null = len(self.levels) - 1
        for i, level in enumerate(self.levels):
            if level.test(a, b):
                return -1 if level.is_null else non_null - i
        return 0

    def gamma_of(self, label: str) -> int:
        for gamma in range(-1, len(self.levels) - 1):
            if self.level_label(gamma) == label:
                return gamma
        raise KeyError(label)

    def level_label(self, gamma: int) -> str:
        if gamma == -1:
            return self.levels[0].label
        return self.levels[len(self.levels) - 1 - gamma].label


GIVEN = ComparisonSpec(
    "given_name",
    "given name",
    (
        Level("missing", "gn_l IS NULL OR gn_r IS NULL", lambda a, b: a["gn"] is None or b["gn"] is None, True),
        Level("exact", "gn_l = gn_r", lambda a, b: a["gn"] == b["gn"], tf_column="gn"),
        Level(
            "known variant",
            "list_has_any(gn_groups_l, gn_groups_r)",
            lambda a, b: _any(a["gn_groups"], b["gn_groups"]),
        ),
        Level("swapped with family name", _SWAP_SQL, _names_swapped),
        Level(
            "similar",
            "jaro_winkler_similarity(gn_l, gn_r) >= 0.92",
            lambda a, b: _jw(a["gn"], b["gn"]) >= 0.92,
        ),
        # Spellings the variant tables do not list ("Jun"/"John", "Suphy"/"Sophie") usually keep their sound.
        Level("sounds alike", "gn_sx_l = gn_sx_r", lambda a, b: _eq(a["gn_sx"], b["gn_sx"])),
        Level(
            "shares a name or initial",
            "list_has_any(gn_all_l, gn_all_r) OR starts_with(gn_l, gn_r) OR starts_with(gn_r, gn_l)",
            lambda a, b: _any(a["gn_all"], b["gn_all"]) or a["gn"].startswith(b["gn"]) or b["gn"].startswith(a["gn"]),
        ),
        Level(
            "loosely similar",
            "jaro_winkler_similarity(gn_l, gn_r) >= 0.8",
            lambda a, b: _jw(a["gn"], b["gn"]) >= 0.8,
        ),
        # Short names lose Jaro-Winkler fast ("Xiu"/"Xvu" 0.78), and two slips in a long one ("Pooja"/"Pduja",
        # "Fatima"/"Fatimo") fall below it; a twin's name is rarely that close.
        Level("one or two typos", _TYPO_SQL.format(c="gn"), lambda a, b: _typos(a["gn"], b["gn"])),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

FAMILY = ComparisonSpec(
    "family_name",
    "family name",
    (
        Level("missing", "fn_l IS NULL OR fn_r IS NULL", lambda a, b: a["fn"] is None or b["fn"] is None, True),
        Level("exact", "fn_l = fn_r", lambda a, b: a["fn"] == b["fn"], tf_column="fn"),
        Level(
            "known variant",
            "list_has_any(fn_groups_l, fn_groups_r)",
            lambda a, b: _any(a["fn_groups"], b["fn_groups"]),
        ),
        Level("swapped with given name", _SWAP_SQL, _names_swapped),
        Level(
            "similar",
            "jaro_winkler_similarity(fn_l, fn_r) >= 0.92",
            lambda a, b: _jw(a["fn"], b["fn"]) >= 0.92,
        ),
        Level("sounds alike", "fn_sx_l = fn_sx_r", lambda a, b: _eq(a["fn_sx"], b["fn_sx"])),
        Level(
            "shares part of a double-barrelled name",
            "list_has_any(fn_parts_l, fn_parts_r)",
            lambda a, b: _any(a["fn_parts"], b["fn_parts"]),
        ),
        Level(
            "loosely similar",
            "jaro_winkler_similarity(fn_l, fn_r) >= 0.8",
            lambda a, b: _jw(a["fn"], b["fn"]) >= 0.8,
        ),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

DOB = ComparisonSpec(
    "date_of_birth",
    "date of birth",
    (
        Level(
            "missing",
            "dob_l IS NULL OR dob_r IS NULL",
            lambda a, b: a["dob"] is None or b["dob"] is None,
            True,
        ),
        Level("exact", "dob_l = dob_r", lambda a, b: a["dob"] == b["dob"]),
        Level(
            "day and month swapped",
            "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
            lambda a, b: a["dob_y"] == b["dob_y"] and a["dob_m"] == b["dob_d"] and a["dob_d"] == b["dob_m"],
        ),
        Level(
            "one digit different",
            "damerau_levenshtein(dob_l, dob_r) <= 1",
            lambda a, b: _dl(a["dob"], b["dob"]) <= 1,
        ),
        Level("within two years", "abs(dob_y_l - dob_y_r) <= 2", lambda a, b: abs(a["dob_y"] - b["dob_y"]) <= 2),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

SEX = ComparisonSpec(
    "sex",
    "sex",
    (
        Level(
            "missing",
            "sex_l IS NULL OR sex_r IS NULL",
            lambda a, b: a["sex"] is None or b["sex"] is None,
            True,
        ),
        Level("same", "sex_l = sex_r", lambda a, b: a["sex"] == b["sex"]),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

_SAME_ADDR_SQL = (
    "(addr_l = addr_r OR (house_l = house_r AND jaro_winkler_similarity(addr_l, addr_r) >= 0.9))"
    " AND coalesce(town_l = town_r, pc_district_l = pc_district_r, TRUE)"
)


def _same_addr(a: Features, b: Features) -> bool:
    if a["addr"] is None or b["addr"] is None:
        return False
    if not (a["addr"] == b["addr"] or (_eq(a["house"], b["house"]) and _jw(a["addr"], b["addr"]) >= 0.9)):
        return False
    if a["town"] is not None and b["town"] is not None:
        return bool(a["town"] == b["town"])
    if a["pc_district"] is not None and b["pc_district"] is not None:
        return bool(a["pc_district"] == b["pc_district"])
    return True


# Address line, postcode and town are strongly correlated, so they form one comparison rather than three
# that would each add their evidence as if independent.
LOCATION = ComparisonSpec(
    "location",
    "address",
    (
        Level(
            "missing",
            "(pc_l IS NULL AND addr_l IS NULL) OR (pc_r IS NULL AND addr_r IS NULL)",
            lambda a, b: (a["pc"] is None and a["addr"] is None) or (b["pc"] is None and b["addr"] is None),
            True,
        ),
        Level(
            "same address and postcode",
            "pc_l = pc_r AND addr_l = addr_r",
            lambda a, b: _eq(a["pc"], b["pc"]) and _eq(a["addr"], b["addr"]),
        ),
        Level("same postcode", "pc_l = pc_r", lambda a, b: _eq(a["pc"], b["pc"])),
        Level("same address line, postcode differs or missing", _SAME_ADDR_SQL, _same_addr),
        Level(
            "postcode one character different",
            "damerau_levenshtein(pc_l, pc_r) <= 1",
            lambda a, b: _dl(a["pc"], b["pc"]) <= 1,
        ),
        Level(
            "same postcode sector",
            "pc_sector_l = pc_sector_r",
            lambda a, b: _eq(a["pc_sector"], b["pc_sector"]),
        ),
        Level(
            "same postcode district or town",
            "pc_district_l = pc_district_r OR town_l = town_r",
            lambda a, b: _eq(a["pc_district"], b["pc_district"]) or _eq(a["town"], b["town"]),
        ),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

NATIONAL_ID = ComparisonSpec(
    "national_id",
    "national id",
    (
        Level(
            "missing",
            "nid_l IS NULL OR nid_r IS NULL",
            lambda a, b: a["nid"] is None or b["nid"] is None,
            True,
        ),
        Level("same", "nid_l = nid_r", lambda a, b: a["nid"] == b["nid"]),
        Level(
            "one character different",
            "damerau_levenshtein(nid_l, nid_r) <= 1",
            lambda a, b: _dl(a["nid"], b["nid"]) <= 1,
        ),
        Level("different", "ELSE", lambda a, b: True),
    ),
)

COMPARISONS: tuple[ComparisonSpec, ...] = (GIVEN, FAMILY, DOB, SEX, LOCATION, NATIONAL_ID)

# Each rule is an equi-join so DuckDB hash-joins it; together they recover pairs with any one of names,
# date of birth or postcode badly corrupted.
#
# The two name-only rules grow quadratically with file size (a common name such as "muhammad|khan" holds
# ~0.7% of records, i.e. ~7,000 at 1M rows, ~24M pairs from one block). They therefore block on
# ``name_key_c`` / ``gf_key_c``: the key, or NULL when more than ``NAME_BLOCK_CAP`` records share it. A
# pair caught only by a name-only rule has no agreeing date of birth or postcode, and for a name that
# common the names alone cannot reach p >= 0.5 at that file size, so the cap costs nothing at the
# threshold; "name + birth year" keeps common-name pairs whose date of birth is mistyped.
NAME_BLOCK_CAP = 64
BLOCKING_RULES: tuple[str, ...] = (
    "l.nid = r.nid",
    "l.dob_dm = r.dob_dm AND l.fn_sx = r.fn_sx",
    "l.dob_dm = r.dob_dm AND l.gn_key = r.gn_key",
    "l.name_key = r.name_key AND l.dob_y = r.dob_y",
    "l.name_key_c = r.name_key_c",
    "l.gf_key_c = r.gf_key_c",
    "l.pc = r.pc AND l.gn_sx = r.gn_sx",
    "l.pc = r.pc AND l.fn_sx = r.fn_sx",
    "l.dob = r.dob AND l.pc_district = r.pc_district",
    "l.dob_dm = r.dob_dm AND l.fn_sx = r.gn_sx",
    "l.dob_dm = r.dob_dm AND l.gn_sx = r.fn_sx",
    "l.pc = r.pc AND l.fn_sx = r.gn_sx",
    "l.pc = r.pc AND l.gn_sx = r.fn_sx",
    "l.addr = r.addr AND l.town = r.town",
    # Typos in both names, or in the year of birth, with the rest of the date intact. Each rule here earned
    # its cost at 1M rows (2-4M pairs each) in true pairs no other rule finds; day and month with one name
    # alone are ~20M pairs each at 1M rows (common names share birthdays), and the mirror rules (date +
    # family initial; day, month, given name + family initial) found a handful of pairs for 2.5M each.
    "l.dob = r.dob AND l.gn_i = r.gn_i",
    "l.dob_md = r.dob_md AND l.fn_key = r.fn_key AND l.gn_i = r.gn_i",
    # Given-name typo with no date of birth on one side; capped like the other name-only rules.
    "l.fg_key_c = r.fg_key_c",
)

FEATURE_COLUMNS: tuple[str, ...] = (
    "gn",
    "gn_all",
    "gn_groups",
    "gn_key",
    "gn_sx",
    "fn",
    "fn_parts",
    "fn_groups",
    "fn_key",
    "fn_sx",
    "name_key",
    "gn_i",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "dob_dm",
    "dob_md",
    "sex",
    "pc",
    "pc_sector",
    "pc_district",
    "pc_area",
    "addr",
    "house",
    "town",
    "nid",
)

# Deterministic layer applied after the probabilistic score (identically in SQL and Python).
NID_AGREE_FLOOR = 0.999
NID_DISAGREE_CEILING = 0.001
DIFFERENT_GIVEN_NAME_CEILING = 0.2
DIFFERENT_DOB_CEILING = 0.2
TF_ADJUSTMENT_WEIGHT = 1.0
# Tuned on held-out files from two generators (ours, with many siblings and namesakes, and an independent
# Faker-based one with few): anything from 0.35 to 0.75 is within 0.2 F1 points of the best on both, and
# 0.5 sits between their optima. Below one duplicate per record trades a little recall for precision on
# common-name pairs with no date of birth.
DUPLICATES_PER_RECORD = 0.5
# Splink's floor on a term frequency, so a name seen once in a small file is not treated as unique.
TF_MINIMUM_U_VALUE = 0.0


def settings_dict(probability_two_random_records_match: float = 1e-5) -> dict[str, Any]:
    """Untrained Splink settings; m/u values are filled by ``train.py``."""
    comparisons = []
    for comp in COMPARISONS:
        levels: list[dict[str, Any]] = []
        for level in comp.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.is_null:
                entry["is_null_level"] = True
            if level.tf_column:
                entry["tf_adjustment_column"] = level.tf_column
                entry["tf_adjustment_weight"] = TF_ADJUSTMENT_WEIGHT
            levels.append(entry)
        comparisons.append(
            {
                "output_column_name": comp.name,
                "comparison_description": comp.description,
                "comparison_levels": levels,
            }
        )
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": br} for br in BLOCKING_RULES],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 50,
    }


@dataclass(frozen=True)
class TrainedWeights:
    """Per comparison, per gamma value: log2(m/u) from the saved Splink model."""

    bayes_factor_log2: dict[str, dict[int, float]]
    settings: dict[str, Any]
    # (comparison, gamma) -> (tf column, u of the exact level) for term-frequency-adjusted levels.
    tf_levels: dict[tuple[str, int], tuple[str, float]]


@cache
def load_weights(path: Path = MODEL_PATH) -> TrainedWeights:
    settings = json.loads(path.read_text())
    by_name = {c["output_column_name"]: c for c in settings["comparisons"]}
    weights: dict[str, dict[int, float]] = {}
    tf_levels: dict[tuple[str, int], tuple[str, float]] = {}
    for comp in COMPARISONS:
        saved = by_name[comp.name]["comparison_levels"]
        non_null = len(saved) - 1
        table: dict[int, float] = {}
        for i, level in enumerate(saved):
            if level.get("is_null_level"):
                table[-1] = 0.0
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            table[non_null - i] = math.log2(m / u) if m and u else 0.0
            if level.get("tf_adjustment_column"):
                tf_levels[(comp.name, non_null - i)] = (level["tf_adjustment_column"], u)
        weights[comp.name] = table
    return TrainedWeights(weights, settings, tf_levels)


def prior_log2(probability_two_random_records_match: float) -> float:
    lam = min(max(probability_two_random_records_match, 1e-12), 1 - 1e-12)
    return math.log2(lam / (1 - lam))


def default_prior(n_records: int) -> float:
    """Prior that two random records match, from an assumed number of true duplicates per record."""
    return min(0.5, DUPLICATES_PER_RECORD / max(n_records - 1, 1))


def postprocess(probability: float, gammas: Mapping[str, int]) -> float:
    nid = gammas[NATIONAL_ID.name]
    if nid == 2:
        return max(probability, NID_AGREE_FLOOR)
    if nid == 0:
        return min(probability, NID_DISAGREE_CEILING)
    if gammas[GIVEN.name] == 0:
        # Siblings and twins share family name, address and sometimes date of birth; a clearly different
        # given name (not a variant, swap or initial) is what separates them.
        probability = min(probability, DIFFERENT_GIVEN_NAME_CEILING)
    if gammas[DOB.name] == 0:
        # Father/son namesakes at one address differ only by date of birth.
        probability = min(probability, DIFFERENT_DOB_CEILING)
    return probability


def postprocess_sql(prob_col: str = "match_probability") -> str:
    nid, given, dob = (f"gamma_{c.name}" for c in (NATIONAL_ID, GIVEN, DOB))
    return (
        f"CASE WHEN {nid} = 2 THEN greatest({prob_col}, {NID_AGREE_FLOOR})"
        f" WHEN {nid} = 0 THEN least({prob_col}, {NID_DISAGREE_CEILING})"
        f" ELSE least({prob_col},"
        f" CASE WHEN {given} = 0 THEN {DIFFERENT_GIVEN_NAME_CEILING} ELSE 1.0 END,"
        f" CASE WHEN {dob} = 0 THEN {DIFFERENT_DOB_CEILING} ELSE 1.0 END) END"
    )


TermFrequency = Callable[[str, str], "float | None"]


def score(
    a: Features,
    b: Features,
    weights: TrainedWeights,
    prior: float,
    tf: TermFrequency | None = None,
) -> tuple[float, dict[str, int], float]:
    """Return (post-processed probability, gammas, raw match weight) for one pair.

    ``tf(column, value)`` gives the share of records holding ``value``; it mirrors Splink's term-frequency
    adjustment, which replaces the exact level's average u with the value's own frequency.
    """
    gammas = {comp.name: comp.gamma(a, b) for comp in COMPARISONS}
    mw = prior_log2(prior) + sum(weights.bayes_factor_log2[name][g] for name, g in gammas.items())
    if tf is not None:
        for (name, gamma), (column, u_exact) in weights.tf_levels.items():
            if gammas[name] == gamma:
                freqs = [f for f in (tf(column, a[column]), tf(column, b[column])) if f is not None]
                if freqs:
                    mw += TF_ADJUSTMENT_WEIGHT * (math.log2(u_exact) - math.log2(max(*freqs, TF_MINIMUM_U_VALUE)))
    raw = 1.0 / (1.0 + 2.0 ** (-mw))
    return postprocess(raw, gammas), gammas, mw
