"""The v1 API: token authentication and one error shape for every failure."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from casework.accounts.services import api_token_authenticate
from casework.audit.services import audit_record
from casework.core.errors import DomainError, PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are per user, stored hashed, revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Casework API",
    version="1",
    description=(
        "Case management for Prevent and Channel. Every lifecycle action is one operation whose operation_id is "
        "the name of the service that performs it. Errors are JSON: {code, message, field?, details?}."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        # Written here, after the service's transaction has rolled back, so the denial itself is kept.
        audit_record(
            event="auth.permission_denied",
            actor=getattr(request, "user", None),
            target_type=exc.details.get("target_type", ""),
            target_id=exc.details.get("target_id", ""),
            data={"action": exc.details.get("action", ""), "path": request.path},
        )
    body = exc.as_dict()
    if isinstance(exc, PermissionDenied):
        body.pop("details", None)  # internal routing data, not for the client
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc), "message": err.get("msg", "Invalid value.")})
    first = errors[0] if errors else {"field": "", "message": "Invalid input."}
    body = {
        "code": "invalid_input",
        "message": f"{first['field'] or 'input'}: {first['message']}",
        "field": first["field"],
        "details": {"errors": errors},
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # A missing, wrong or revoked token is a failed sign-in: audited (never the token itself).
    audit_record(
        event="auth.sign_in_failed",
        actor=None,
        data={"via": "api_token", "path": request.path, "token_sent": "HTTP_AUTHORIZATION" in request.META},
    )
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Send a valid API token: Authorization: Bearer <token>."},
        status=401,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"code": "http_error", "message": str(exc)}, status=exc.status_code)
