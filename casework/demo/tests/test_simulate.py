from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_simulation_replays_days_through_the_services_and_misses_no_review() -> None:
    out = io.StringIO()
    call_command(
        "simulate",
        "--days",
        "75",
        "--seed",
        "3",
        "--referrals-per-day",
        "2",
        "--start",
        "2026-01-05",
        verbosity=0,
        stdout=out,
    )
    last = out.getvalue().strip().splitlines()[-1]
    m = re.fullmatch(
        r"reviews_due=(\d+) on_time=(\d+) overdue=(\d+) missed=(\d+) escalated=(\d+) "
        r"repeat_referrals=(\d+)",
        last,
    )
    assert m, last
    due, on_time, overdue, missed, _, repeats = (int(x) for x in m.groups())
    assert missed == 0
    assert due > 0
    assert on_time + overdue + missed == due
    assert repeats > 0


def test_simulation_refuses_bad_arguments() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days"):
        call_command("simulate", "--days", "0", verbosity=0)
