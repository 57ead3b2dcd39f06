from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casework.audit import context


class RequestContextMiddleware:
    """Gives every request a correlation id (echoed in X-Request-ID) that its audit events carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
        token = context.set_current(context.RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PermissionDeniedAuditMiddleware:
    """Pages refuse a forbidden action by raising Django's PermissionDenied (a 403). Every such refusal is
    written to the audit log here — after the view's transaction has rolled back, so the record is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

        from casework.audit.services import audit_record

        if not isinstance(exception, DjangoPermissionDenied):
            return
        cause = exception.__cause__
        details = getattr(cause, "details", {}) or {}
        user = getattr(request, "user", None)
        audit_record(
            event="auth.permission_denied",
            actor=user if user is not None and user.is_authenticated else None,
            target_type=str(details.get("target_type", "")), target_id=str(details.get("target_id", "")),
            data={"action": details.get("action", ""), "path": request.path, "method": request.method},
        )
