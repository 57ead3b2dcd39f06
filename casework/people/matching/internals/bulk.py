"""Bulk de-duplication of a CSV file with the trained Splink model on DuckDB."""

from __future__ import annotations

import csv
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .clusters import adjustments, resolve
from .model import (
    BLOCKING_RULES,
    FEATURE_COLUMNS,
    MODEL_METADATA_KEYS,
    MODEL_PATH,
    NAME_BLOCK_CAP,
    default_prior,
    postprocess_sql,
)
from .normalise import parse_dob, record_features

INPUT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address_line",
    "town",
    "postcode",
    "national_id",
)
OUTPUT_COLUMNS: tuple[str, ...] = ("record_id_l", "record_id_r", "match_probability")
_CHUNK_ROWS = 100_000

logger = logging.getLogger(__name__)


class LinkageInputError(ValueError):
    """The input file does not follow the CSV contract."""


@dataclass(frozen=True)
class LinkSummary:
    rows: int
    malformed_dates: int
    pairs_written: int
    proposed_matches: int
    threshold: float
    seconds: float
    model_version: str
    # Pairs whose probability the file-wide consistency step changed (``internals/clusters.py``).
    consistency_changes: int = 0


_SCHEMA = pa.schema(
    [("record_id", pa.string())]
    + [
        (c, pa.list_(pa.string()))
        if c in {"gn_all", "fn_parts"}
        else (c, pa.list_(pa.int32()))
        if c in {"gn_groups", "fn_groups"}
        else (c, pa.int32())
        if c in {"dob_y", "dob_m", "dob_d"}
        else (c, pa.string())
        for c in FEATURE_COLUMNS
    ]
)


def features_batches(rows: Iterable[dict[str, str]], stats: dict[str, int]) -> Iterator[pa.RecordBatch]:
    """Normalise raw rows into Arrow batches; counts rows and malformed dates into ``stats``."""
    cols: dict[str, list[Any]] = {name: [] for name in _SCHEMA.names}
    seen: set[str] = set()
    for row in rows:
        rid = (row.get("record_id") or "").strip()
        if not rid:
            raise LinkageInputError(f"row {stats['rows'] + 2}: record_id is blank")
        if rid in seen:
            raise LinkageInputError(f"record_id {rid!r} appears more than once")
        seen.add(rid)
        dob, malformed = parse_dob(row.get("date_of_birth"))
        stats["rows"] += 1
        stats["malformed_dates"] += malformed
        feats = record_features(
            row.get("given_name"),
            row.get("family_name"),
            dob,
            row.get("sex"),
            row.get("address_line"),
            row.get("town"),
            row.get("postcode"),
            row.get("national_id"),
        )
        cols["record_id"].append(rid)
        for name in FEATURE_COLUMNS:
            cols[name].append(feats[name])
        if len(cols["record_id"]) >= _CHUNK_ROWS:
            yield pa.RecordBatch.from_pydict(cols, schema=_SCHEMA)
            cols = {name: [] for name in _SCHEMA.names}
    if cols["record_id"]:
        yield pa.RecordBatch.from_pydict(cols, schema=_SCHEMA)


# Normalisation is pure Python (~70-90 us a row); above this many rows it is spread over the CPUs.
_PARALLEL_MIN_ROWS = 50_000


def _normalise_chunk(rows: list[dict[str, str]]) -> tuple[list[pa.RecordBatch], int]:
    stats = {"rows": 0, "malformed_dates": 0}
    return list(features_batches(rows, stats)), stats["malformed_dates"]


def _checked_chunks(rows: Iterable[dict[str, str]], stats: dict[str, int]) -> Iterator[list[dict[str, str]]]:
    """Chunks of rows with blank and repeated record ids rejected here, as ``features_batches`` would."""
    seen: set[str] = set()
    chunk: list[dict[str, str]] = []
    for row in rows:
        rid = (row.get("record_id") or "").strip()
        if not rid:
            raise LinkageInputError(f"row {stats['rows'] + 2}: record_id is blank")
        if rid in seen:
            raise LinkageInputError(f"record_id {rid!r} appears more than once")
        seen.add(rid)
        stats["rows"] += 1
        chunk.append(row)
        if len(chunk) >= _CHUNK_ROWS // 4:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def features_table_parallel(rows: Iterable[dict[str, str]]) -> tuple[pa.Table, dict[str, int]]:
    """``features_table`` on every CPU for large inputs (the first chunks decide whether it pays)."""
    import itertools
    import multiprocessing

    stats = {"rows": 0, "malformed_dates": 0}
    chunks = _checked_chunks(rows, stats)
    head = list(itertools.islice(chunks, _PARALLEL_MIN_ROWS // (_CHUNK_ROWS // 4)))
    batches: list[pa.RecordBatch] = []
    workers = min(os.cpu_count() or 1, 4)
    if stats["rows"] < _PARALLEL_MIN_ROWS or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results: Iterable[tuple[list[pa.RecordBatch], int]] = map(_normalise_chunk, head)
    else:
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            results = list(pool.imap(_normalise_chunk, itertools.chain(head, chunks), chunksize=1))
        finally:
            pool.terminate()
    for chunk_batches, malformed in results:
        batches.extend(chunk_batches)
        stats["malformed_dates"] += malformed
    return pa.Table.from_batches(batches, schema=_SCHEMA), stats


def features_table(rows: Iterable[dict[str, str]]) -> tuple[pa.Table, dict[str, int]]:
    stats = {"rows": 0, "malformed_dates": 0}
    batches = list(features_batches(rows, stats))
    return pa.Table.from_batches(batches, schema=_SCHEMA), stats


def read_csv_rows(path: str | os.PathLike[str]) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in INPUT_COLUMNS if c not in header]
        if missing:
            raise LinkageInputError(f"input CSV is missing required column(s): {', '.join(missing)}")
        reader.fieldnames = header
        yield from reader


def load_settings(prior: float, model_path: Path = MODEL_PATH) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(model_path.read_text())
    settings["probability_two_random_records_match"] = prior
    # Splink only emits gamma columns (needed by the deterministic post-processing layer) alongside the
    # matching columns; the predict threshold filters before materialising, so the extra width is cheap.
    settings["retain_intermediate_calculation_columns"] = False
    settings["retain_matching_columns"] = True
    # Blocking is not part of what training learns; the code's rules (with the size caps) win over the
    # copy saved in the model JSON.
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": br, "sql_dialect": "duckdb"} for br in BLOCKING_RULES
    ]
    for key in ("linker_uid", *MODEL_METADATA_KEYS):
        settings.pop(key, None)
    return settings


def add_capped_keys(con: duckdb.DuckDBPyConnection, table: pa.Table, cap: int = NAME_BLOCK_CAP) -> pa.Table:
    """Add ``name_key_c``, ``gf_key_c``, ``fg_key_c``: the name-only blocking keys, NULL where the block is too big."""
    con.register("matching_raw", table)
    try:
        out = con.sql(
            f"""SELECT *,
                  CASE WHEN count(*) OVER (PARTITION BY name_key) <= {int(cap)} THEN name_key END
                    AS name_key_c,
                  CASE WHEN gn_key IS NOT NULL AND fn_sx IS NOT NULL
                        AND count(*) OVER (PARTITION BY gn_key, fn_sx) <= {int(cap)}
                       THEN gn_key || '|' || fn_sx END AS gf_key_c,
                  CASE WHEN fn_key IS NOT NULL AND gn_sx IS NOT NULL
                        AND count(*) OVER (PARTITION BY fn_key, gn_sx) <= {int(cap)}
                       THEN fn_key || '|' || gn_sx END AS fg_key_c
                FROM matching_raw"""  # noqa: S608
        ).to_arrow_table()
    finally:
        con.unregister("matching_raw")
    return out


def predict_pairs(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    *,
    prior: float,
    min_probability: float,
) -> str:
    """Score blocked pairs with Splink; return the name of a DuckDB view of post-processed pairs."""
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(con)
    table = add_capped_keys(con, table)
    sdf = db_api.register(table, dataset_display_name="matching_input")
    linker = Linker(sdf, load_settings(prior), log_level=None)
    # Post-processing only lowers probabilities except for national-id agreement, which already carries a
    # very large Bayes factor, so a raw floor well below the output floor loses nothing.
    predictions = linker.inference.predict(threshold_match_probability=min_probability * 0.1, warning_mode="never")
    # Interpolated names and numbers come from our own code and typed parameters, never from the CSV.
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW matching_pairs AS
            SELECT record_id_l, record_id_r, {postprocess_sql()} AS match_probability
            FROM {predictions.physical_name}""",  # noqa: S608
    )
    return "matching_pairs"


_IDENTITY_COLUMNS = ("record_id", "nid", "dob", "dob_y", "dob_m", "dob_d")


def apply_consistency(con: duckdb.DuckDBPyConnection, pairs: str, identity: pa.Table, threshold: float) -> int:
    """Rewrite table ``pairs`` (record_id_l, record_id_r, match_probability) so one record belongs to one
    person across the file; returns how many pairs changed or were added."""
    edges = [
        (a, b, float(p))
        for a, b, p in con.execute(
            f"SELECT record_id_l, record_id_r, match_probability FROM {pairs} WHERE match_probability >= ?",  # noqa: S608
            [float(threshold)],
        ).fetchall()
    ]
    if not edges:
        return 0
    con.register("matching_identity", identity)
    try:
        rows = con.execute(
            f"""SELECT i.* FROM matching_identity i
                WHERE i.record_id IN (SELECT record_id_l FROM {pairs} WHERE match_probability >= $t
                                      UNION SELECT record_id_r FROM {pairs} WHERE match_probability >= $t)""",  # noqa: S608
            {"t": float(threshold)},
        ).fetchall()
    finally:
        con.unregister("matching_identity")
    names = _IDENTITY_COLUMNS
    ident = {row[0]: dict(zip(names, row, strict=True)) for row in rows}
    resolved = resolve(edges, ident, threshold=threshold)
    group_of = resolved[0]
    groups = pa.table({"record_id": list(group_of), "group_id": pa.array(list(group_of.values()), type=pa.int64())})
    con.register("matching_groups", groups)
    try:
        compared = {
            (a, b): float(p)
            for a, b, p in con.execute(
                f"""SELECT o.record_id_l, o.record_id_r, o.match_probability FROM {pairs} o
                    JOIN matching_groups g1 ON o.record_id_l = g1.record_id
                    JOIN matching_groups g2 ON o.record_id_r = g2.record_id
                    WHERE g1.group_id = g2.group_id"""  # noqa: S608
            ).fetchall()
        }
    finally:
        con.unregister("matching_groups")
    changes = adjustments(resolved, edges, ident, compared, threshold=threshold)
    if not changes:
        return 0
    changed = pa.table(
        {
            "l": [a for a, _ in changes],
            "r": [b for _, b in changes],
            "p": pa.array(list(changes.values()), type=pa.float64()),
        }
    )
    con.register("matching_changes", changed)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE matching_consistent AS
                SELECT coalesce(o.record_id_l, c.l) AS record_id_l, coalesce(o.record_id_r, c.r) AS record_id_r,
                       round(coalesce(c.p, o.match_probability), 6) AS match_probability
                FROM {pairs} o FULL OUTER JOIN matching_changes c
                  ON o.record_id_l = c.l AND o.record_id_r = c.r"""  # noqa: S608
        )
    finally:
        con.unregister("matching_changes")
    con.execute(f"DROP TABLE {pairs}")
    con.execute(f"ALTER TABLE matching_consistent RENAME TO {pairs}")
    return len(changes)


def link_csv(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    threshold: float = 0.5,
    min_probability: float = 0.05,
    progress: bool = False,
    memory_limit: str | None = None,
    consistency: bool = True,
) -> LinkSummary:
    from .model import MODEL_VERSION

    start = time.perf_counter()
    table, stats = features_table_parallel(read_csv_rows(input_path))
    if progress:
        logger.warning("normalised %d rows in %.1fs", stats["rows"], time.perf_counter() - start)

    out = str(Path(output_path)).replace("'", "''")
    written = proposed = changed = 0
    identity = table.select(list(_IDENTITY_COLUMNS))
    if stats["rows"] < 2:
        with open(output_path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(OUTPUT_COLUMNS)
    else:
        with tempfile.TemporaryDirectory(prefix="matching_") as tmp:
            config: dict[str, Any] = {"temp_directory": tmp, "preserve_insertion_order": False}
            if memory_limit:
                config["memory_limit"] = memory_limit
            con = duckdb.connect(config=config)
            try:
                view = predict_pairs(con, table, prior=default_prior(stats["rows"]), min_probability=min_probability)
                del table
                con.execute(
                    f"""CREATE TEMP TABLE matching_out AS
                        SELECT record_id_l, record_id_r, round(match_probability, 6) AS match_probability
                        FROM {view} WHERE match_probability >= {float(min_probability)}""",  # noqa: S608
                )
                if consistency:
                    step = time.perf_counter()
                    changed = apply_consistency(con, "matching_out", identity, threshold)
                    if progress:
                        logger.warning("consistency: %d pairs changed in %.1fs", changed, time.perf_counter() - step)
                del identity
                written, proposed = con.execute(
                    "SELECT count(*), count(*) FILTER (WHERE match_probability >= ?) FROM matching_out",
                    [float(threshold)],
                ).fetchone() or (0, 0)
                con.execute(
                    f"""COPY (SELECT * FROM matching_out
                              ORDER BY match_probability DESC, record_id_l, record_id_r)
                        TO '{out}' (HEADER, DELIMITER ',')""",  # noqa: S608
                )
            finally:
                con.close()
    summary = LinkSummary(
        rows=stats["rows"],
        malformed_dates=stats["malformed_dates"],
        pairs_written=written,
        proposed_matches=proposed,
        threshold=threshold,
        seconds=time.perf_counter() - start,
        model_version=MODEL_VERSION,
        consistency_changes=changed,
    )
    if progress:
        logger.warning("%s", summary)
    return summary
