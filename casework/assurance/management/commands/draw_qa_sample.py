from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.assurance.services import qa_sample_draw
from casework.core.errors import DomainError


class Command(BaseCommand):
    help = "Draw the QA sample of gateway decisions for a period (idempotent; reproducible)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            items = qa_sample_draw(actor=None, date_from=options["date_from"], date_to=options["date_to"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Selected {len(items)} decisions for QA.")
