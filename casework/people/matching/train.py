"""Retrain the person-linkage model from synthetic data and write it to ``models/``.

Run ``.venv/bin/python -m casework.people.matching.train`` from the repo root. Training is unsupervised
(random-sampling u estimates, then expectation maximisation over several blocking rules) and fully
deterministic for the seed, so re-running reproduces the committed JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import duckdb

from .internals.bulk import features_table
from .internals.model import MODEL_PATH, MODEL_VERSION, settings_dict
from .synthetic import generate_people

TRAINING_SEED = 20240601
TRAINING_PERSONS = 30_000
# Stored prior is informational only: link_csv and the candidate index set it from the data size.
STORED_PRIOR = 1e-4

# Each EM pass leaves out the comparisons its blocking rule uses; together they cover every comparison.
# Blocking on the national id gives a block that is nearly all true matches, so the name/date/address m
# values are not dragged towards twins and namesakes (which dominate e.g. a date-of-birth block). The
# second rule (identical names and date of birth) trains the national id itself.
EM_BLOCKING_RULES = (
    "l.nid = r.nid",
    "l.gn = r.gn AND l.fn = r.fn AND l.dob = r.dob",
)


def train(n_persons: int = TRAINING_PERSONS, seed: int = TRAINING_SEED, out_path: Path = MODEL_PATH) -> dict[str, Any]:
    from splink import DuckDBAPI, Linker

    records, _truth = generate_people(n_persons, seed=seed)
    table, _stats = features_table(records)
    con = duckdb.connect()
    con.execute("SET threads TO 1")  # single-threaded so sampling and EM are bit-for-bit repeatable
    db_api = DuckDBAPI(con)
    sdf = db_api.register(table, dataset_display_name="training")
    linker = Linker(sdf, settings_dict(STORED_PRIOR), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed, min_count_per_level=None, num_chunks=1)
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    model = linker.misc.save_model_to_json()
    _smooth(model)
    model["probability_two_random_records_match"] = STORED_PRIOR
    model.pop("linker_uid", None)
    model["model_version"] = MODEL_VERSION
    model["training"] = {
        "seed": seed,
        "persons": n_persons,
        "records": len(records),
        "em_blocking_rules": list(EM_BLOCKING_RULES),
    }
    _round_floats(model)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
    return model


# EM on clean synthetic data drives some m values to ~0 (e.g. sex disagreement); real referrals do contain
# such errors, so no single field may veto a match outright. Unobserved levels get a hand-set prior.
M_FLOOR = 0.002
U_FLOOR = 1e-7
UNOBSERVED_LEVEL_PRIOR = {("national_id", "one character different"): (0.01, 1e-5)}


# A swap fires in both name comparisons; counting it twice would make a swapped name stronger evidence
# than an exact one, so the family-name copy is neutral and the given-name level carries the evidence.
NEUTRAL_LEVELS = {("family_name", "swapped with given name")}


def _smooth(model: dict[str, Any]) -> None:
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            key = (comp["output_column_name"], level["label_for_charts"])
            if key in NEUTRAL_LEVELS:
                level["m_probability"] = level["u_probability"] = max(level.get("u_probability") or 0.0, U_FLOOR)
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if key in UNOBSERVED_LEVEL_PRIOR and (not m or not u):
                m, u = UNOBSERVED_LEVEL_PRIOR[key]
            level["m_probability"] = max(m or 0.0, M_FLOOR)
            level["u_probability"] = max(u or 0.0, U_FLOOR)


def _round_floats(obj: Any) -> None:
    # Ten significant figures hides last-bit float noise between platforms without changing any score.
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, float):
                obj[k] = float(f"{v:.10g}")
            else:
                _round_floats(v)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            if isinstance(v, float):
                obj[i] = float(f"{v:.10g}")
            else:
                _round_floats(v)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=TRAINING_PERSONS)
    parser.add_argument("--seed", type=int, default=TRAINING_SEED)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    model = train(args.persons, args.seed, args.out)
    for comp in model["comparisons"]:
        print(comp["output_column_name"])
        for level in comp["comparison_levels"]:
            if not level.get("is_null_level"):
                print(
                    f"  {level['label_for_charts']:<45} m={level.get('m_probability', 0):.4f} "
                    f"u={level.get('u_probability', 0):.6f}"
                )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
