"""Reporting operations: the official statistics tables for analysts (aggregates only, disclosure-controlled) and
the caseload and review dashboard for assurance leads, analysts and Channel chairs (scoped to their area)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from casework.accounts.models import User
from casework.api.base import api
from casework.api.v1 import ERRORS
from casework.audit.services import audit_record
from casework.core.dates import today
from casework.core.errors import ValidationFailed
from casework.reporting.reference import FinancialYear
from casework.reporting.selectors import dashboard, statistics_for_user


class StatisticsRow(Schema):
    label: str
    level: int
    number: str
    percent: str


class StatisticsTable(Schema):
    number: int
    code: str
    title: str
    dimension: str
    note: str
    rows: list[StatisticsRow]


class StatisticsOut(Schema):
    year: str
    period: str
    age_bands: str
    disclosure_control: str
    tables: list[StatisticsTable]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@api.get("/statistics", response={200: StatisticsOut, **ERRORS}, operation_id="statistics_get", tags=["reporting"])
def statistics_get(request: HttpRequest, year: str = "") -> Any:
    """Official statistics tables for a financial year (e.g. 2023-24; default: the last complete one). Analysts
    and assurance leads only; cells from 1 to 4 are published as "[c]" (see the notes in the ODS export)."""
    try:
        fy = FinancialYear.parse(year) if year else FinancialYear.last_complete(today())
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="year") from None
    release = statistics_for_user(user=_user(request), year=fy)
    audit_record(event="report.statistics_viewed", actor=_user(request), data={"year": fy.label, "format": "json"})
    return {
        "year": fy.label,
        "period": f"{fy.first_day.isoformat()}/{fy.last_day.isoformat()}",
        "age_bands": release.age_bands.name,
        "disclosure_control": "Counts from 1 to 4 are shown as [c], with secondary suppression; totals are not.",
        "tables": [
            {
                "number": t.number,
                "code": t.code,
                "title": t.title,
                "dimension": t.dimension,
                "note": t.note,
                "rows": [
                    {"label": r.label, "level": r.level, "number": r.published, "percent": r.percent} for r in t.rows
                ],
            }
            for t in release.tables
        ],
    }


@api.get("/dashboard", response={200: dict[str, Any], **ERRORS}, operation_id="dashboard_get", tags=["reporting"])
def dashboard_get(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Any:
    """Caseload, reviews due and overdue, days from referral to gateway decision and to panel decision, repeat
    referrals, by area and by month. Chairs see their local authority; assurance leads and analysts, all regions."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("date_from must be on or before date_to.", field="date_from")
    out = dashboard(user=_user(request), date_from=date_from, date_to=date_to)
    audit_record(
        event="report.dashboard_viewed",
        actor=_user(request),
        data={"from": str(out["date_from"]), "to": str(out["date_to"])},
    )
    return out
