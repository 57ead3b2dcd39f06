"""A believable, entirely synthetic demo: users for every role and people at every stage of the journey,
created through the real services at past dates (so statuses, reviews, audit and chronology are genuine).
Development only: it refuses to run unless DEBUG is on, and it never uses real people's data."""

from __future__ import annotations

import random
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casework.accounts.demo import print_demo_second_factors
from casework.accounts.models import LocalAuthority, Role, User
from casework.demo import journeys
from casework.reviews.services import sweep_reviews

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo credential, DEBUG only
LONDON = ZoneInfo("Europe/London")

DEMO_USERS: list[tuple[str, str, str | None, str, str]] = [
    # username, role, area code, first name, last name
    ("officer", Role.PREVENT_OFFICER, "yorkshire-humber", "Priya", "Demo-Officer"),
    ("officer.london", Role.PREVENT_OFFICER, "london", "Sam", "Demo-Officer"),
    ("supervisor", Role.PREVENT_SUPERVISOR, "yorkshire-humber", "Gareth", "Demo-Supervisor"),
    ("chair", Role.CHANNEL_CHAIR, "leeds", "Helen", "Demo-Chair"),
    ("member", Role.PANEL_MEMBER, "leeds", "Ade", "Demo-Member"),
    ("provider", Role.INTERVENTION_PROVIDER, None, "Rory", "Demo-Provider"),
    ("assurance", Role.ASSURANCE_LEAD, None, "Fatima", "Demo-Assurance"),
    ("analyst", Role.ANALYST, None, "Chen", "Demo-Analyst"),
    ("admin", Role.SYSTEM_ADMIN, None, "Alex", "Demo-Admin"),
    ("referrer", Role.REFERRER, None, "Jo", "Demo-Referrer"),
]


class Command(BaseCommand):
    help = "Create synthetic demo users and cases at every stage (idempotent; DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--people", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only: run with DEBUG=true (make run does).")
        users = self._users()
        if User.objects.filter(username="officer").exists() and journeys.demo_cases_exist():
            self.stdout.write("Demo data already loaded.")
        else:
            rng = random.Random(options["seed"])
            with transaction.atomic():
                journeys.build_demo_cases(rng=rng, users=users, people=options["people"])
            counts = sweep_reviews()
            self.stdout.write(f"Review sweep: {counts}")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password for all: {DEMO_PASSWORD}):"))
        for username, role, area, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {Role(role).label}{' – ' + area if area else ''}")
        print_demo_second_factors(self.stdout, [username for username, *_ in DEMO_USERS])

    def _users(self) -> dict[str, User]:
        users: dict[str, User] = {}
        for username, role, area, first, last in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                kwargs: dict[str, Any] = {
                    "role": role,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.gov.uk",
                }
                if role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR):
                    kwargs["region"] = LocalAuthority.objects.filter(region__code=area).first().region  # type: ignore[union-attr]
                elif role in (Role.CHANNEL_CHAIR, Role.PANEL_MEMBER):
                    kwargs["local_authority"] = LocalAuthority.objects.get(code=area)
                if role == Role.SYSTEM_ADMIN:
                    kwargs.update(is_staff=True, is_superuser=False)
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD, **kwargs)
            users[username] = user
        return users
