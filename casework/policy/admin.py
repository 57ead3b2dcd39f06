from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casework.policy.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ["version", "name", "effective_from", "is_pilot", "locked_at"]
    list_filter = ["is_pilot"]
    filter_horizontal = ["pilot_areas"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A version that decisions cite is history: it may be read, never edited. Create a new version instead.
        if obj is not None and obj.locked_at is not None:
            return [f.name for f in obj._meta.fields] + ["pilot_areas"]
        return ["locked_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.locked_at is None
