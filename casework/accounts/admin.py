from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from casework.accounts.models import LocalAuthority, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin[LocalAuthority]):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    """Administrators manage accounts, roles and scopes; they see no case content anywhere."""

    list_display = ["username", "first_name", "last_name", "role", "region", "local_authority", "is_active"]
    list_filter = ["role", "region", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # django-stubs types fieldsets as optional
        ("Role and scope", {"fields": ("role", "region", "local_authority", "organisation", "agency")}),
    )
