"""Security headers Django 5.2 does not set itself: a strict Content-Security-Policy (with a per-request nonce for
the few inline scripts a page needs), Permissions-Policy and Cross-Origin-Resource-Policy."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Everything from our own origin; no inline script except with this request's nonce; no plugins, no framing,
# forms post only to us. GOV.UK Frontend's `js-enabled` snippet uses the nonce: <script nonce="{{ csp_nonce }}">.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI (the API docs page) sets inline styles; it is served from our own static files all the same.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        policy = CSP_API_DOCS if request.path.endswith("/docs") else CSP
        response.headers.setdefault("Content-Security-Policy", policy.format(nonce=nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages about people must not be kept by shared browsers or proxies.
            response.headers.setdefault("Cache-Control", "no-store")
        if not settings.DEBUG:
            response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context processor: `{{ csp_nonce }}` for the rare inline <script nonce=...>."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
