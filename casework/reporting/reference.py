"""Reference data for the official statistics: categories in the published order, age bands per release, and the
disclosure-control rule. Change a release's bands here (a new entry), never by editing an earlier one, so that
earlier years are always reproduced as published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.assessments.models import ConcernType
from casework.panels.models import ClosureReason
from casework.people.models import Sex
from casework.referrals.models import Sector

NOT_ASSESSED = "not_assessed"
UNKNOWN = "unknown"

SECTORS: list[tuple[str, str]] = [(s.value, s.label) for s in Sector]
CONCERNS: list[tuple[str, str]] = [(c.value, c.label) for c in ConcernType] + [
    (NOT_ASSESSED, "Not yet assessed, or closed before assessment")
]
GENDERS: list[tuple[str, str]] = [
    (Sex.MALE.value, "Male"),
    (Sex.FEMALE.value, "Female"),
    (Sex.OTHER.value, "Other or not specified"),
]
CLOSURE_REASONS: list[tuple[str, str]] = [(c.value, c.label) for c in ClosureReason]
# The CT policing regions in the order the release lists them (regions are reference data in the database; a
# region not listed here is appended in name order).
REGION_ORDER = [
    "north-east",
    "north-west",
    "yorkshire-humber",
    "east-midlands",
    "west-midlands",
    "east-of-england",
    "london",
    "south-east",
    "south-west",
    "wales",
]


@dataclass(frozen=True)
class AgeBand:
    label: str
    youngest: int
    oldest: int | None  # None: no upper limit


@dataclass(frozen=True)
class AgeBandRelease:
    first_year: int  # the first financial year (its starting calendar year) these bands apply to
    name: str
    bands: tuple[AgeBand, ...]


AGE_BAND_RELEASES: tuple[AgeBandRelease, ...] = (
    AgeBandRelease(
        2015,
        "Releases for 2015-16 to 2023-24",
        (
            AgeBand("Under 15", 0, 14),
            AgeBand("15 to 20", 15, 20),
            AgeBand("21 to 30", 21, 30),
            AgeBand("31 to 40", 31, 40),
            AgeBand("41 to 50", 41, 50),
            AgeBand("51 to 60", 51, 60),
            AgeBand("Over 60", 61, None),
        ),
    ),
    # 2024-25 splits children finer (11-15 and 16-17 are the largest groups).
    AgeBandRelease(
        2024,
        "Releases from 2024-25",
        (
            AgeBand("Under 11", 0, 10),
            AgeBand("11 to 15", 11, 15),
            AgeBand("16 to 17", 16, 17),
            AgeBand("18 to 20", 18, 20),
            AgeBand("21 to 30", 21, 30),
            AgeBand("31 to 40", 31, 40),
            AgeBand("41 to 50", 41, 50),
            AgeBand("51 to 60", 51, 60),
            AgeBand("Over 60", 61, None),
        ),
    ),
)
AGE_UNKNOWN_LABEL = "Age not known"


def age_bands_for(first_year: int) -> AgeBandRelease:
    applicable = [r for r in AGE_BAND_RELEASES if r.first_year <= first_year]
    return applicable[-1] if applicable else AGE_BAND_RELEASES[0]


def age_band(bands: AgeBandRelease, age: int | None) -> str:
    if age is None:
        return AGE_UNKNOWN_LABEL
    for band in bands.bands:
        if band.youngest <= age and (band.oldest is None or age <= band.oldest):
            return band.label
    return AGE_UNKNOWN_LABEL


# --- Disclosure control --------------------------------------------------------------------------------------
# Counts from 1 to SUPPRESS_MAX in a breakdown are published as "[c]" (the GSS symbol for "confidential").
# Secondary suppression, repeated until nothing changes: where a breakdown under a published row would have exactly
# one suppressed cell, its smallest other non-zero cell is suppressed too (else the cell is the row minus the
# others); where a suppressed row has a breakdown with no suppressed cell, its smallest non-zero cell is suppressed
# (else the row is the sum of its breakdown). Table totals and zeros are never suppressed; unsuppressed counts stay
# internal (reconciliation and tests).
SUPPRESS_MAX = 4
SUPPRESSED = "[c]"


@dataclass(frozen=True)
class FinancialYear:
    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """'2023-24' (or '2023/24') → the year 1 April 2023 to 31 March 2024."""
        cleaned = text.strip().replace("/", "-")
        parts = cleaned.split("-")
        if len(parts) != 2 or not (parts[0].isdigit() and parts[1].isdigit()) or len(parts[0]) != 4:
            raise ValueError(f"Give the financial year as YYYY-YY, e.g. 2023-24 (got '{text}').")
        start = int(parts[0])
        if int(parts[1]) != (start + 1) % 100:
            raise ValueError(
                f"'{text}' is not a financial year: the second year must follow the first, e.g. "
                f"{start}-{(start + 1) % 100:02d}."
            )
        return cls(start)

    @classmethod
    def last_complete(cls, on: dt.date) -> FinancialYear:
        """The latest financial year that had ended by `on`."""
        return cls((on.year if on.month >= 4 else on.year - 1) - 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def long_label(self) -> str:
        return f"year ending 31 March {self.start_year + 1}"
