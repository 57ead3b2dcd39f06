"""National-scale synthetic history: `--years` financial years of `--referrals-per-year` referrals each, with the
journeys, repeat referrals, reopened cases and post-closure reviews of the published statistics. Only invented
people. Deterministic for a seed (and an end date)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from casework.demo.synthetic import HistoryGenerator
from casework.referrals.models import Referral
from casework.reviews.services import sweep_reviews

ERR_YEARS = "--years must be a whole number from 1 to 20 (got {value})."
ERR_PER_YEAR = "--referrals-per-year must be a whole number from 1 to 50000 (got {value})."
ERR_SEED = "--seed must be a non-negative whole number (got {value})."
ERR_END = "--end cannot be in the future (got {value}); the history ends at or before today."
ERR_NOT_EMPTY = (
    "This database already holds {count} referrals. Generate synthetic history into an empty database, e.g. "
    "DATABASE_URL=sqlite:////tmp/synthetic.sqlite3 .venv/bin/python manage.py migrate, then run this command "
    "with the same DATABASE_URL (or pass --append to add to it anyway)."
)
ERR_SERVICES_SIZE = "--via-services is for small samples: at most 2000 referrals in total (got {value})."


class Command(BaseCommand):
    help = (
        "Generate a national-scale synthetic history (referrals, cases, panels, reviews, audit) calibrated to the "
        "published Prevent statistics. Example: manage.py generate_synthetic_data --years 10 "
        "--referrals-per-year 7000 --seed 1"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=str, default="10", help="Financial years of history (1-20).")
        parser.add_argument("--referrals-per-year", type=str, default="7000", help="Referrals a year (1-50000).")
        parser.add_argument("--seed", type=str, default="1", help="Random seed (same seed, same history).")
        parser.add_argument("--end", type=str, default="", help="Last day of history, exclusive (default today).")
        parser.add_argument(
            "--via-services",
            action="store_true",
            help="Run every step through the real services (slow; small samples only).",
        )
        parser.add_argument("--append", action="store_true", help="Allow a database that already has referrals.")

    @staticmethod
    def _int(value: str, low: int, high: int, message: str) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise CommandError(message.format(value=value)) from None
        if not low <= number <= high:
            raise CommandError(message.format(value=value))
        return number

    def handle(self, *args: Any, **options: Any) -> None:
        years = self._int(options["years"], 1, 20, ERR_YEARS)
        per_year = self._int(options["referrals_per_year"], 1, 50000, ERR_PER_YEAR)
        seed = self._int(options["seed"], 0, 2**63, ERR_SEED)
        today = timezone.localdate()
        try:
            end = dt.date.fromisoformat(options["end"]) if options["end"] else today
        except ValueError:
            raise CommandError(f"--end must be a date as YYYY-MM-DD (got {options['end']}).") from None
        if end > today:
            raise CommandError(ERR_END.format(value=end))
        if options["via_services"] and years * per_year > 2000:
            raise CommandError(ERR_SERVICES_SIZE.format(value=years * per_year))
        existing = Referral.objects.count()
        if existing and not options["append"]:
            raise CommandError(ERR_NOT_EMPTY.format(count=existing))
        started = time.monotonic()
        generator = HistoryGenerator(
            seed=seed,
            years=years,
            per_year=per_year,
            end=end,
            backend_name="services" if options["via_services"] else "bulk",
        )
        times = generator.times()
        # DEBUG off: the debug cursor would format and keep every one of millions of statements.
        with override_settings(DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            count = generator.run(
                tqdm(
                    times,
                    unit="referral",
                    disable=options["verbosity"] == 0,
                    desc=f"{generator.start:%Y-%m-%d}..{generator.end:%Y-%m-%d}",
                )
            )
            # History that runs up to today ends with today's sweep, as production would: reviews that have
            # entered their window become due and their owners get tasks. Earlier reviews were completed inside
            # their windows, so the past needs no sweep.
            swept = sweep_reviews() if end == today else None
        if options["verbosity"] > 0:
            if swept is not None:
                self.stdout.write(f"Review sweep for today: {swept}")
            self.stdout.write(
                f"Generated {count} referrals from {generator.start:%d %B %Y} to {generator.end:%d %B %Y} "
                f"(seed {seed}) in {time.monotonic() - started:.1f} s."
            )
