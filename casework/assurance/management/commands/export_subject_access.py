from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from casework.assurance.access import person_subject_access_export
from casework.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Export everything held about a person for a subject access request, as JSON (third parties redacted "
        "and marked). Audited and flagged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id")
        parser.add_argument("--reason", required=True, help="The request this answers, e.g. its reference.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export = person_subject_access_export(actor=None, person_id=options["person_id"], reason=options["reason"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except (ValueError, ValidationError) as exc:
            raise CommandError(f"{options['person_id']!r} is not a person id (a UUID).") from exc
        text = json.dumps(export, cls=DjangoJSONEncoder, indent=2, sort_keys=True)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as f:
                f.write(text)
            self.stdout.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text)
