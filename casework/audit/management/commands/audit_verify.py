from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain. Exit 0 if intact; exit 1 naming the first broken or missing event."

    def handle(self, *args: Any, **options: Any) -> None:
        intact, summary = audit_verify()
        if not intact:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
