"""The handover fields shared by every page that can exit a case to other services (the gateway decision and a
panel's not-adopt decision). The handover is this app's concept, so the one definition lives here."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.assessments.models import ServiceType
from casework.core.forms import GovukForm

HANDOVER_KEYS = ("service_type", "service_name", "contact", "request")


class HandoverFieldsForm(GovukForm):
    """Subclasses list their own fields in `field_order`, so the handover fields render after them."""

    handover_service_type = forms.ChoiceField(
        label="Receiving service (exit to other services only)",
        required=False,
        choices=[("", "Choose a service"), *ServiceType.choices],
    )
    handover_service_name = forms.CharField(label="Name of the receiving service", required=False, max_length=150)
    handover_contact = forms.CharField(label="Contact at the receiving service", required=False, max_length=200)
    handover_request = forms.CharField(
        label="What the receiving service is asked to do", required=False, widget=forms.Textarea, max_length=3000
    )

    field_aliases = {"handover": "handover_service_type"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(f"handover_{k}") for k in HANDOVER_KEYS[1:]) and not data.get("handover_service_type"):
            self.add_error("handover_service_type", "Choose the type of receiving service")
        return data

    def handover(self) -> dict[str, str] | None:
        """The handover as the services take it, or None when no handover field was filled in."""
        d = self.cleaned_data
        if any(d.get(f"handover_{k}") for k in HANDOVER_KEYS):
            return {k: d.get(f"handover_{k}", "") for k in HANDOVER_KEYS}
        return None
