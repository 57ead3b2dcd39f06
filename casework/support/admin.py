from __future__ import annotations

from django.contrib import admin

from casework.support.models import InterventionType


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin[InterventionType]):
    list_display = ["name", "code", "requires_approved_provider", "active"]
    list_filter = ["active"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # retire with active=False so past support packages keep their meaning
