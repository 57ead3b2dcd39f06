from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casework.demo.docs import write_all


class Command(BaseCommand):
    help = "Regenerate docs/state-machines.md and docs/audit-events.md from the code."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_all():
            self.stdout.write(f"wrote {path}")
