"""Write the official statistics tables for a financial year: one CSV per table, a notes CSV and an ODS workbook
(cover, notes, one table a sheet)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.audit.services import audit_record
from casework.reporting.exports import write_release
from casework.reporting.reference import FinancialYear
from casework.reporting.selectors import official_statistics


class Command(BaseCommand):
    help = "Official statistics for a financial year, e.g. manage.py official_statistics --year 2023-24 --output out/"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="Financial year as YYYY-YY, e.g. 2023-24.")
        parser.add_argument("--output", required=True, help="Directory to write the CSV files and the ODS into.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = FinancialYear.parse(options["year"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        output = Path(options["output"])
        if output.exists() and not output.is_dir():
            raise CommandError(f"--output must be a directory; {output} is a file.")
        started = time.monotonic()
        release = official_statistics(year=year)
        elapsed = time.monotonic() - started
        written = write_release(release, output)
        audit_record(
            event="report.statistics_viewed",
            actor=None,
            data={"year": year.label, "format": "csv+ods", "via": "manage.py official_statistics"},
        )
        total = release.tables[0].total()
        journey = next(t for t in release.tables if t.code == "journey")
        discussed = next(r.count for r in journey.rows if r.label == "Discussed at a Channel panel")
        adopted = next(r.count for r in journey.rows if r.label == "Adopted as a Channel case")
        self.stdout.write(
            f"Financial year {year.label}: {total} referrals, {discussed} discussed at a Channel panel, "
            f"{adopted} adopted (computed in {elapsed:.2f} s)."
        )
        for path in written:
            self.stdout.write(f"  wrote {path}")
