"""Domain errors. Each is named after the rule that was broken and carries a machine-readable code and a
user-facing message; interfaces (views, API, commands) translate them, never swallow them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class InvalidTransition(DomainError):
    """A state change that the workflow's transition table does not allow."""

    code = "invalid_transition"
    status = 409

    def __init__(self, workflow: str, from_status: str, to_status: str, message: str | None = None) -> None:
        msg = message or (f"A {workflow} cannot move from '{from_status}' to '{to_status}'.")
        super().__init__(msg, from_status=from_status, to_status=to_status)
        self.workflow = workflow
        self.from_status = from_status
        self.to_status = to_status


class ConsentRequired(DomainError):
    code = "consent_required"
    status = 409


class CountersignRequired(DomainError):
    code = "countersign_required"
    status = 409


class ExtensionLimitExceeded(DomainError):
    code = "extension_limit_exceeded"
    status = 409


class StaleEdit(DomainError):
    """The record changed since the editor loaded it; their change would overwrite someone else's."""

    code = "stale_edit"
    status = 409


class NotFound(DomainError):
    """Missing, or not visible to this user: the two are deliberately indistinguishable."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409
