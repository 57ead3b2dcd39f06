from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from casework.core.dates import add_months, add_working_days, age_on, today


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),  # month end clamps
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), 6, dt.date(2026, 9, 30)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 2, 28), 12, dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 12, 15), 24, dt.date(2028, 12, 15)),
        (dt.date(2026, 5, 10), -12, dt.date(2025, 5, 10)),
    ],
)
def test_add_months_clamps_to_month_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 36))
def test_add_months_never_overshoots_the_target_month(start: dt.date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day


def test_working_days_skip_weekends() -> None:
    assert add_working_days(dt.date(2026, 11, 27), 5) == dt.date(2026, 12, 4)  # Friday + 5 working days


def test_age_on_birthday_boundary() -> None:
    assert age_on(dt.date(2008, 3, 1), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 3, 1), dt.date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("utc_instant", "london_date"),
    [
        # 23:30 UTC on the last Saturday of March is 00:30 BST on Sunday (clocks went forward at 01:00 UTC)
        (dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC), dt.date(2026, 3, 28)),
        (dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC), dt.date(2026, 3, 30)),
        # In summer 23:30 UTC is already tomorrow in London
        (dt.datetime(2026, 8, 30, 23, 30, tzinfo=dt.UTC), dt.date(2026, 8, 31)),
        # After the clocks go back (25 Oct 2026) 23:30 UTC is the same day in London
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC), dt.date(2026, 10, 25)),
    ],
)
def test_today_is_the_london_civil_date_across_clock_changes(utc_instant: dt.datetime, london_date: dt.date) -> None:
    with time_machine.travel(utc_instant, tick=False):
        assert today() == london_date
        assert today() == utc_instant.astimezone(ZoneInfo("Europe/London")).date()
