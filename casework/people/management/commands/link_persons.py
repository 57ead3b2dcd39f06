"""Bulk linkage for migration and assurance sweeps: which rows of a CSV may be the same person.

    .venv/bin/python manage.py link_persons --input people.csv --output pairs.csv

Input header: record_id,given_name,family_name,date_of_birth,sex,address_line,town,postcode,national_id
Output: record_id_l,record_id_r,match_probability for every pair judged possibly the same person (>= 0.5 is a
proposed match). Pair scores come from the Splink model; a file-wide step then keeps each record with one
person (``casework/people/matching/internals/clusters.py``; ``--pairwise-only`` skips it). Nothing is linked or
merged: the output is for people to review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.people.matching import LinkageInputError, link_csv


class Command(BaseCommand):
    help = "Score every possible same-person pair in a CSV of person records (Splink model; nothing is merged)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="CSV with the documented header.")
        parser.add_argument("--output", required=True, help="Where to write record_id_l,record_id_r,match_probability.")
        parser.add_argument("--threshold", type=float, default=0.5, help="Probability from which a pair is proposed.")
        parser.add_argument(
            "--min-probability", type=float, default=0.05, help="Pairs below this are not written at all."
        )
        parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. '16GB'.")
        parser.add_argument(
            "--pairwise-only",
            action="store_true",
            help="Skip the file-wide step that keeps each record with one person (raw pair scores).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"No such input file: {source}")
        for name in ("threshold", "min_probability"):
            if not 0.0 <= options[name] <= 1.0:
                raise CommandError(f"--{name.replace('_', '-')} must be between 0 and 1.")
        try:
            summary = link_csv(
                source,
                options["output"],
                threshold=options["threshold"],
                min_probability=options["min_probability"],
                progress=options["verbosity"] > 1,
                memory_limit=options["memory_limit"],
                consistency=not options["pairwise_only"],
            )
        except LinkageInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.rows} records, {summary.pairs_written} pairs written, {summary.proposed_matches} proposed "
            f"matches (>= {summary.threshold}), {summary.malformed_dates} malformed dates treated as blank, "
            f"{summary.consistency_changes} pairs adjusted so each record stays with one person, "
            f"{summary.seconds:.1f}s, model {summary.model_version}"
        )
