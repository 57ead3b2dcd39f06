from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from casework.demo.simulation import Simulation


class Command(BaseCommand):
    help = (
        "Replay N days of synthetic referrals day by day through the real services, owners acting at realistic "
        "and sometimes late times, the sweep running daily. Last line: reviews_due=… on_time=… overdue=… "
        "missed=… escalated=… repeat_referrals=… (missed must be 0)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--referrals-per-day", type=float, default=3.0)
        parser.add_argument(
            "--start",
            type=dt.date.fromisoformat,
            default=None,
            help="First simulated day (YYYY-MM-DD); default: --days before today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1 or options["days"] > 3650:
            raise CommandError("--days must be between 1 and 3650.")
        if options["referrals_per_day"] <= 0 or options["referrals_per_day"] > 100:
            raise CommandError("--referrals-per-day must be above 0 and at most 100.")
        sim = Simulation(
            days=options["days"],
            seed=options["seed"],
            referrals_per_day=options["referrals_per_day"],
            start=options["start"],
            progress=lambda it: tqdm(it, total=options["days"], unit="day", disable=options["verbosity"] == 0),
        )
        result = sim.run()
        if result.errors and options["verbosity"] > 1:
            for e in result.errors[:20]:
                self.stderr.write(e)
        self.stdout.write(f"referrals={result.referrals} cases={result.cases} refused_actions={len(result.errors)}")
        self.stdout.write(result.summary())
