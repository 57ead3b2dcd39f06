"""Calendar rules. All dates are Europe/London civil dates; month arithmetic clamps to the month end, so
"6 months after 31 August" is 28 February (29 in a leap year), as a person counting months would expect."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """The civil date in Europe/London now (not the UTC date, which differs after 23:00 in summer)."""
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_working_days(day: dt.date, days: int) -> dt.date:
    """Monday to Friday; bank holidays are not modelled (a documented simplification)."""
    current = day
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
