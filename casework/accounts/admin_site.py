from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from casework.accounts.models import Role


class CaseworkAdminSite(admin.AdminSite):
    """The admin is for system administrators (users, roles, scopes, reference data; no case content): the staff
    flag alone is not enough, and the second factor must have been passed."""

    site_header = "Casework administration"
    site_title = "Casework administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and getattr(user, "role", None) == Role.SYSTEM_ADMIN):
            return False
        return not settings.CASEWORK_OTP_REQUIRED or bool(getattr(user, "is_verified", lambda: False)())
