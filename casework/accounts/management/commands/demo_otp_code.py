from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.demo import DEBUG_ONLY, demo_current_code
from casework.accounts.models import User


class Command(BaseCommand):
    help = "Print a demo user's current TOTP code (DEBUG only), to sign in to `make run` without a phone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(DEBUG_ONLY)
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}.")
        self.stdout.write(demo_current_code(user))
