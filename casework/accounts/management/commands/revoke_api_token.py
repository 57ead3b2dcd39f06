from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import ApiToken
from casework.accounts.services import api_token_revoke
from casework.core.errors import NotFound


class Command(BaseCommand):
    help = "Revoke API tokens: one by id or by its prefix (as listed), or --user USERNAME for all of a user's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "token",
            nargs="?",
            help="Token id, or the prefix shown when it was issued (put -- before one starting '-').",
        )
        parser.add_argument("--user", help="Revoke every active token of this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        active = ApiToken.objects.filter(revoked_at__isnull=True)
        if options["user"]:
            tokens = list(active.filter(user__username=options["user"]))
        elif options["token"]:
            raw = options["token"]
            tokens = list(active.filter(prefix=raw)) or list(active.filter(pk=raw) if _is_uuid(raw) else [])
        else:
            raise CommandError("Name a token (id or prefix) or pass --user USERNAME.")
        if not tokens:
            raise CommandError("No active API token matches.")
        if len(tokens) > 1 and not options["user"]:
            raise CommandError(f"{len(tokens)} tokens share that prefix: revoke by id instead.")
        for token in tokens:
            try:
                api_token_revoke(actor=None, token_id=str(token.pk))
            except NotFound as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"Revoked {token.name} ({token.prefix}…) of {token.user.username}.")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
