from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casework.reviews.services import sweep_reviews


class Command(BaseCommand):
    help = "Mark due and overdue reviews and create reminder tasks. Idempotent; safe from cron or the worker."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep_reviews()
        self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
