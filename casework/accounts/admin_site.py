from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from casework.accounts.models import Role


class CaseworkAdminSite(admin.AdminSite):
    """The admin is for system administrators (users, roles, scopes, reference data; no case content): the staff
    flag alone is not enough, and the second factor must have been passed."""

    site_header = "Casework administration"
    site_title = "Casework administration"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """One sign-in for everything: ours, with its lock-out and second factor (the admin's own form has
        neither)."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("login"))

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and getattr(user, "role", None) == Role.SYSTEM_ADMIN):
            return False
        return not settings.CASEWORK_OTP_REQUIRED or bool(getattr(user, "is_verified", lambda: False)())
