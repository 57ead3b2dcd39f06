"""Assurance operations: the QA sample and findings, and the thresholds review report (JSON and CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.responses import Status

from casework.accounts.models import Role, User
from casework.api.base import api
from casework.api.v1 import ERRORS
from casework.assurance import services as assurance_services
from casework.assurance.models import QaItem
from casework.assurance.selectors import COLUMNS, thresholds_report
from casework.audit.services import audit_record
from casework.core.errors import NotFound


class QaDrawIn(Schema):
    date_from: dt.date
    date_to: dt.date


class QaItemOut(Schema):
    id: UUID
    assessment_id: UUID
    case_id: UUID
    decision: str
    concern_type: str
    reason: str
    policy_version: str
    finding: str
    finding_reason: str


class QaFindingIn(Schema):
    agree: bool
    reason: str = ""


class ThresholdRow(Schema):
    policy_version: str
    pilot: bool
    region: str
    concern_type: str
    decision: str
    decisions: int
    repeat_referrals: int
    repeat_referral_pct: float
    qa_reviewed: int
    qa_disagreements: int
    qa_disagreement_pct: float | None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _assurance_lead(request: HttpRequest) -> User:
    user = _user(request)
    if user.role != Role.ASSURANCE_LEAD:
        raise NotFound("Not found.")
    return user


def _qa_out(item: QaItem) -> dict[str, Any]:
    a = item.assessment
    return {
        "id": item.pk,
        "assessment_id": a.pk,
        "case_id": a.case_id,
        "decision": a.decision,
        "concern_type": a.concern_type,
        "reason": item.reason,
        "policy_version": a.policy_version.version,
        "finding": item.finding,
        "finding_reason": item.finding_reason,
    }


@api.post("/qa/samples", response={201: list[QaItemOut], **ERRORS}, operation_id="qa_sample_draw", tags=["assurance"])
def qa_sample_draw(request: HttpRequest, payload: QaDrawIn) -> Any:
    user = _assurance_lead(request)
    items = assurance_services.qa_sample_draw(actor=user, date_from=payload.date_from, date_to=payload.date_to)
    return Status(201, [_qa_out(i) for i in items])


@api.get("/qa/items", response={200: list[QaItemOut], **ERRORS}, operation_id="qa_item_list", tags=["assurance"])
def qa_item_list(request: HttpRequest, open_only: bool = True) -> Any:
    _assurance_lead(request)
    items = QaItem.objects.select_related("assessment__policy_version").order_by("created_at")
    if open_only:
        items = items.filter(finding="")
    return [_qa_out(i) for i in items[:500]]


@api.post(
    "/qa/items/{item_id}/finding",
    response={200: QaItemOut, **ERRORS},
    operation_id="qa_finding_record",
    tags=["assurance"],
)
def qa_finding_record(request: HttpRequest, item_id: UUID, payload: QaFindingIn) -> Any:
    user = _assurance_lead(request)
    item = QaItem.objects.select_related("assessment__policy_version").filter(pk=item_id).first()
    if item is None:
        raise NotFound("No QA item with that id.")
    return _qa_out(
        assurance_services.qa_finding_record(actor=user, item=item, agree=payload.agree, reason=payload.reason)
    )


@api.get(
    "/reports/thresholds",
    response={200: list[ThresholdRow], **ERRORS},
    operation_id="thresholds_report",
    tags=["assurance"],
)
def thresholds_report_view(
    request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None, format: str = "json"
) -> Any:
    rows = thresholds_report(user=_user(request), date_from=date_from, date_to=date_to)
    audit_record(
        event="report.thresholds_viewed",
        actor=_user(request),
        data={"from": str(date_from), "to": str(date_to), "format": format},
    )
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="thresholds-review.csv"'
        return response
    return rows
