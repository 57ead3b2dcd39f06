from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.reviews.tasks import sweep_reviews_task


class Command(BaseCommand):
    help = (
        "Enqueue the review sweep on the task queue every --interval seconds, for `manage.py db_worker` to run. "
        "django-tasks has no periodic scheduling of its own; cron calling `sweep_reviews` works as well."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=3600)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = sweep_reviews_task.enqueue()
            self.stdout.write(f"Enqueued review sweep {result.id}")
            if options["once"]:
                return
            time.sleep(options["interval"])
