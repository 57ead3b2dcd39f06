"""Identity-matching benchmark: accuracy, bulk linkage time and interactive search latency.

    .venv/bin/python benchmarks/matching.py [--sizes 10000,100000,1000000] [--quick] [--no-docs]

Every figure is printed next to a plain baseline measured in the same run:
- accuracy/bulk baseline: exact match on normalised full name + date of birth (plus exact national id
  when filled), run as a DuckDB self-join;
- search baseline: exact key lookup on normalised name + date of birth, and a linear rapidfuzz scan
  (scan timed on a few queries only; it is O(n)).
Held-out data uses different seeds from training; accuracy is pooled over two files per scenario. It is
reported for a harsh mix (25% of people are hard negatives: siblings, twins, namesakes) and a realistic one
(5%), each with name variants drawn from the matcher's own variant tables and with held-out character-level
spelling noise the tables do not list (``generate_people(held_out_variants=True)``), and for an independent
generator that shares no code or vocabulary with ours (``benchmarks/independent_people.py``). Results go
to stdout as markdown and replace the "## Identity matching" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casework.people.matching import (  # noqa: E402
    MODEL_VERSION,
    CandidateIndex,
    PersonQuery,
    PersonRecord,
    find_candidates,
    link_csv,
)
from casework.people.matching.internals.bulk import features_table, read_csv_rows  # noqa: E402
from casework.people.matching.internals.normalise import name_tokens, parse_dob  # noqa: E402
from casework.people.matching.synthetic import generate_people, true_pairs, write_csv  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import independent_people  # noqa: E402

HELD_OUT_SEED = 9001
SECTION = "## Identity matching"


def prf(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_pairs(path: str, threshold: float = 0.5) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            if float(row["match_probability"]) >= threshold:
                a, b = sorted((row["record_id_l"], row["record_id_r"]))
                out.add((a, b))
    return out


def baseline_link(path: str) -> tuple[set[tuple[str, str]], float]:
    start = time.perf_counter()
    table, _ = features_table(read_csv_rows(path))
    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute(
        """SELECT l.record_id, r.record_id FROM t l JOIN t r
           ON l.record_id < r.record_id AND l.gn = r.gn AND l.fn = r.fn AND l.dob = r.dob
           UNION
           SELECT l.record_id, r.record_id FROM t l JOIN t r ON l.record_id < r.record_id AND l.nid = r.nid"""
    ).fetchall()
    con.close()
    return {(a, b) for a, b in rows}, time.perf_counter() - start


# (label, generator(n_persons, seed) -> (records, truth)). Ours with the matcher's variant tables, ours with
# held-out character-level spelling noise the tables do not list, and an independent generator.
Generator = Callable[[int, int], tuple[list[dict[str, str]], dict[str, int]]]
SCENARIOS: tuple[tuple[str, Generator], ...] = (
    (
        "harsh: 25% hard negatives, table variants",
        lambda n, seed: generate_people(n, seed=seed, hard_negative_rate=0.25),
    ),
    (
        "harsh: 25% hard negatives, held-out spelling noise",
        lambda n, seed: generate_people(n, seed=seed, hard_negative_rate=0.25, held_out_variants=True),
    ),
    (
        "realistic: 5% hard negatives, table variants",
        lambda n, seed: generate_people(n, seed=seed, hard_negative_rate=0.05),
    ),
    (
        "realistic: 5% hard negatives, held-out spelling noise",
        lambda n, seed: generate_people(n, seed=seed, hard_negative_rate=0.05, held_out_variants=True),
    ),
    (
        "independent generator (`benchmarks/independent_people.py`: Faker en_GB, nicknames dataset, 3% twins)",
        lambda n, seed: independent_people.generate(n, seed),
    ),
)


ACCURACY_SEEDS = (HELD_OUT_SEED, HELD_OUT_SEED + 1)


def bench_accuracy(tmp: str, n_persons: int) -> list[str]:
    """Pairwise precision/recall/F1 pooled over ``ACCURACY_SEEDS`` (one file per seed)."""
    lines = []
    for label, generate in SCENARIOS:
        files = [generate(n_persons, seed) for seed in ACCURACY_SEEDS]
        for with_nid in (False, True):
            # counts[kind] = [true positives, predicted, true]
            counts = {kind: [0, 0, 0] for kind in ("full", "pairwise", "baseline")}
            rows = seconds = 0.0
            for i, (records, truth) in enumerate(files):
                pairs = true_pairs(truth)
                path = os.path.join(tmp, f"acc_{i}_{with_nid}.csv")
                out = os.path.join(tmp, f"acc_{i}_{with_nid}_out.csv")
                write_csv(records, path, include_national_id=with_nid)
                summary = link_csv(path, out)
                seconds = max(seconds, summary.seconds)
                rows += len(records)
                predicted = {"full": read_pairs(out)}
                link_csv(path, out, consistency=False)
                predicted["pairwise"] = read_pairs(out)
                predicted["baseline"] = baseline_link(path)[0]
                for kind, pred in predicted.items():
                    c = counts[kind]
                    c[0] += len(pred & pairs)
                    c[1] += len(pred)
                    c[2] += len(pairs)
            (p, r, f), (_, _, pairwise_f), (bp, br, bf) = (
                _prf_counts(*counts[k]) for k in ("full", "pairwise", "baseline")
            )
            nid = "national id filled" if with_nid else "no national id"
            lines.append(
                f"| {label}; {nid} ({int(rows):,} rows, {counts['full'][2]:,} true pairs) | {p:.4f} | {r:.4f} | "
                f"**{f:.4f}** | {pairwise_f:.4f} | {bp:.4f} | {br:.4f} | {bf:.4f} | {seconds:.2f} s |"
            )
            print(lines[-1], flush=True)
    return lines


def _prf_counts(tp: int, predicted: int, true: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / true if true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def bench_bulk(tmp: str, sizes: list[int]) -> list[str]:
    lines = []
    for rows in sizes:
        records, _truth = generate_people(max(2, int(rows / 2.05)), seed=HELD_OUT_SEED + rows)
        path = os.path.join(tmp, f"bulk_{rows}.csv")
        write_csv(records, path, include_national_id=False)
        del records, _truth
        summary = link_csv(path, os.path.join(tmp, f"bulk_{rows}_out.csv"))
        _, bsec = baseline_link(path)
        lines.append(
            f"| {summary.rows:,} | {summary.seconds:.2f} s | {summary.pairs_written:,} | "
            f"{summary.proposed_matches:,} | {bsec:.2f} s |"
        )
        print(lines[-1], flush=True)
        os.remove(path)
    return lines


def _to_person(row: dict[str, str]) -> PersonRecord:
    return PersonRecord(
        row["record_id"],
        row["given_name"],
        row["family_name"],
        (),
        parse_dob(row["date_of_birth"])[0],
        None,
        row["sex"] or None,
        row["postcode"] or None,
        row["address_line"] or None,
        row["town"] or None,
    )


def _exact_key(given: str | None, family: str | None, dob: date | None) -> str:
    return f"{''.join(name_tokens(given)[:1])}|{''.join(name_tokens(family))}|{dob}"


def bench_search(sizes: list[int], n_queries: int) -> list[str]:
    from rapidfuzz import fuzz

    lines = []
    for n in sizes:
        records, truth = generate_people(n, seed=HELD_OUT_SEED + 7 * n, records_per_person_weights=(0.0, 1.0, 0.0, 0.0))
        # One record per person goes into the index; the person's other record becomes the query.
        indexed: dict[int, dict[str, str]] = {}
        queries: list[tuple[dict[str, str], str]] = []
        for row in records:
            pid = truth[row["record_id"]]
            if pid not in indexed:
                indexed[pid] = row
            else:
                queries.append((row, indexed[pid]["record_id"]))
        del records
        rss0 = _rss_mb()
        start = time.perf_counter()
        index = CandidateIndex(_to_person(r) for r in indexed.values())
        build = time.perf_counter() - start
        index_mb = _rss_mb() - rss0
        exact: dict[str, list[str]] = {}
        for r in indexed.values():
            exact.setdefault(
                _exact_key(r["given_name"], r["family_name"], parse_dob(r["date_of_birth"])[0]), []
            ).append(r["record_id"])
        rng = random.Random(n)
        sample = rng.sample(queries, min(n_queries, len(queries)))
        lat, base_lat, found, base_found = [], [], 0, 0
        for row, target in sample:
            dob = parse_dob(row["date_of_birth"])[0]
            q = PersonQuery(
                row["given_name"],
                row["family_name"],
                dob,
                None,
                row["sex"] or None,
                row["postcode"] or None,
                row["address_line"] or None,
                row["town"] or None,
            )
            t = time.perf_counter()
            res = find_candidates(q, index=index, limit=10)
            lat.append((time.perf_counter() - t) * 1000)
            found += any(c.record_id == target for c in res)
            t = time.perf_counter()
            hit = exact.get(_exact_key(row["given_name"], row["family_name"], dob), [])
            base_lat.append((time.perf_counter() - t) * 1000)
            base_found += target in hit
        # Linear scan baseline: fuzzy full-name ratio over every indexed person, a handful of queries.
        names = [(r["record_id"], f"{r['given_name']} {r['family_name']}".lower()) for r in indexed.values()]
        scan_lat = []
        for row, _ in sample[: max(3, min(20, 2_000_000 // n))]:
            qn = f"{row['given_name']} {row['family_name']}".lower()
            t = time.perf_counter()
            best = sorted(((fuzz.ratio(qn, nm), rid) for rid, nm in names), reverse=True)[:10]
            scan_lat.append((time.perf_counter() - t) * 1000)
            del best
        p50, p95 = statistics.median(lat), statistics.quantiles(lat, n=20)[18]
        lines.append(
            f"| {len(index):,} | {build:.1f} s | {index_mb / 1000:.1f} GB | {p50:.1f} ms | {p95:.1f} ms | "
            f"{found / len(sample):.3f} | {statistics.median(base_lat):.3f} ms | "
            f"{base_found / len(sample):.3f} | {statistics.median(scan_lat):.0f} ms |"
        )
        print(lines[-1], flush=True)
        del index, indexed, queries, exact, names
    return lines


def write_docs(body: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = f"{SECTION}\n\n{body.strip()}\n"
    if SECTION in text:
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[nxt:] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated sizes for bulk rows and search index persons",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes only (10k), fewer queries")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    n_queries = 100 if args.quick else args.queries
    command = "python benchmarks/matching.py " + " ".join(sys.argv[1:])

    out: list[str] = [
        f"Model `{MODEL_VERSION}`; held-out synthetic data (seed {HELD_OUT_SEED}+, training seed differs); "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, DuckDB {duckdb.__version__}. "
        f"Command: `.venv/bin/{command.strip()}` (run {datetime.now(UTC).date().isoformat()}).",
        "",
        "### Pairwise accuracy at probability >= 0.5 (bulk `link_csv`)",
        "",
        "| data (two files pooled) | precision | recall | F1 | F1 pairwise only (`--pairwise-only`) | "
        "baseline P | baseline R | baseline F1 | link_csv time (slower file) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(out), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out += bench_accuracy(tmp, 2_440)
        header = [
            "",
            "### Bulk linkage time (no national id; end to end incl. CSV parse and write; "
            "peak RSS of a separate 1M-row run is given below the table)",
            "",
            "| rows | link_csv | pairs written (p >= 0.05) | proposed (p >= 0.5) | baseline exact join |",
            "|---|---|---|---|---|",
        ]
        print("\n".join(header), flush=True)
        out += header + bench_bulk(tmp, sorted({5_000, *sizes}))
    header = [
        "",
        f"### Interactive search ({n_queries} queries; query = another corrupted record of an indexed person)",
        "",
        "| persons | index build | index memory (RSS growth) | p50 | p95 | found in top 10 | "
        "baseline exact lookup p50 | baseline found | baseline linear rapidfuzz scan p50 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    out += header + bench_search(sizes, n_queries)
    if not args.no_docs:
        write_docs("\n".join(out))


if __name__ == "__main__":
    main()
