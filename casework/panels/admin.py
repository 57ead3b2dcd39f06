from __future__ import annotations

from django.contrib import admin

from casework.panels.models import Panel


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin[Panel]):
    """Panels are reference data (one per local authority and kind); meetings and decisions are case content
    and are not in the admin."""

    list_display = ["name", "kind", "local_authority"]
    list_filter = ["kind", "local_authority__region"]
