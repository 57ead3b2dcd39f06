"""Security operations: the audit-log viewer, break-glass access requests, subject access exports and API token
revocation. Thin: each parses input and calls one selector or service, which checks permission and audits."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.responses import Status

from casework.accounts import services as account_services
from casework.accounts.models import ApiToken, Role, User
from casework.api.base import api
from casework.api.v1 import ERRORS
from casework.assurance import access
from casework.core.errors import NotFound


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    event: str
    actor: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    reason: str
    flagged: bool
    request_id: str
    ip: str | None


@api.get(
    "/audit-events", response={200: list[AuditEventOut], **ERRORS}, operation_id="audit_event_list", tags=["audit"]
)
def audit_event_list(
    request: HttpRequest,
    target_type: str = "",
    target_id: str = "",
    actor: str = "",
    event: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    flagged: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Any:
    """Assurance leads: the whole log; Channel chairs: events about their panel's cases. `event` may end in '*'
    (prefix). `flagged=true` lists break-glass accesses and exports. The viewing is audited."""
    rows = access.audit_event_list(
        user=_user(request),
        target_type=target_type,
        target_id=target_id,
        actor=actor,
        event=event,
        date_from=date_from,
        date_to=date_to,
        flagged=flagged,
        limit=limit,
        offset=max(0, offset),
    )
    return [
        {
            "seq": e.seq,
            "occurred_at": e.occurred_at,
            "event": e.event,
            "actor": e.actor_label,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "data": e.data,
            "reason": e.reason,
            "flagged": e.flagged,
            "request_id": e.request_id,
            "ip": e.ip,
        }
        for e in rows
    ]


class AccessRequestIn(Schema):
    target_type: str = Field(..., description="'case' or 'person'")
    target_id: UUID
    reason: str = Field(..., description="Why you need to open the record; recorded and flagged.")


class AccessGrantOut(Schema):
    id: UUID
    target_type: str
    target_id: UUID
    reason: str
    expires_at: dt.datetime


@api.post(
    "/access-requests", response={201: AccessGrantOut, **ERRORS}, operation_id="access_grant_create", tags=["audit"]
)
def access_request_create(request: HttpRequest, payload: AccessRequestIn) -> Any:
    """Break-glass: record a reason and get time-limited, view-only access to a record outside your scope."""
    grant = access.access_grant_create(
        actor=_user(request), target_type=payload.target_type, target_id=payload.target_id, reason=payload.reason
    )
    return Status(201, grant)


class SubjectAccessIn(Schema):
    reason: str = Field(..., description="The subject access request this export answers, e.g. its reference.")


@api.post(
    "/persons/{person_id}/subject-access-export",
    response={200: dict[str, Any], **ERRORS},
    operation_id="person_subject_access_export",
    tags=["people"],
)
def person_subject_access_export(request: HttpRequest, person_id: UUID, payload: SubjectAccessIn) -> Any:
    """Everything held about a person (JSON), third parties redacted and marked. Assurance leads only; flagged."""
    return access.person_subject_access_export(actor=_user(request), person_id=person_id, reason=payload.reason)


class ApiTokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@api.get("/api-tokens", response={200: list[ApiTokenOut], **ERRORS}, operation_id="api_token_list", tags=["accounts"])
def api_token_list(request: HttpRequest) -> Any:
    """Your own API tokens (never their values: only hashes are stored)."""
    return list(ApiToken.objects.filter(user=_user(request)).order_by("-created_at"))


@api.post(
    "/api-tokens/{token_id}/revoke",
    response={200: ApiTokenOut, **ERRORS},
    operation_id="api_token_revoke",
    tags=["accounts"],
)
def api_token_revoke(request: HttpRequest, token_id: UUID) -> Any:
    """Revoke one of your own tokens (a system administrator may revoke anyone's). It stops working at once."""
    user = _user(request)
    tokens = ApiToken.objects.all() if user.role == Role.SYSTEM_ADMIN else ApiToken.objects.filter(user=user)
    if not tokens.filter(pk=token_id, revoked_at__isnull=True).exists():
        raise NotFound("No active API token with that id.")
    return account_services.api_token_revoke(actor=user, token_id=str(token_id))
