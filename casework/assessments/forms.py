"""Screening, PAF assessment and countersignature forms: parsing only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.assessments.models import (
    ConcernType,
    Deconfliction,
    GatewayDecisionChoice,
    OtherVulnerability,
    PafDimension,
    ScreeningOutcome,
    ServiceType,
)
from casework.core.forms import GovukForm


class ScreenForm(GovukForm):
    deconfliction = forms.ChoiceField(
        label="Deconfliction",
        widget=forms.RadioSelect,
        choices=Deconfliction.choices,
        help_text="Record only whether the person is clear or managed elsewhere: never investigation details",
        error_messages={"required": "Select the deconfliction outcome"},
    )
    outcome = forms.ChoiceField(
        label="Screening outcome",
        widget=forms.RadioSelect,
        choices=ScreeningOutcome.choices,
        error_messages={"required": "Select the screening outcome"},
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Required if you close the referral at screening",
    )


class AssessForm(GovukForm):
    concern_type = forms.ChoiceField(
        label="Type of concern",
        choices=[("", "Choose a type of concern"), *ConcernType.choices],
        error_messages={"required": "Choose the type of concern"},
    )
    ideology_or_grievance = forms.CharField(
        label="Ideology or grievance", required=False, widget=forms.Textarea, max_length=5000
    )
    other_vulnerabilities = forms.MultipleChoiceField(
        label="Other vulnerabilities",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=OtherVulnerability.choices,
        help_text="Select all that apply",
    )
    susceptibility = forms.CharField(
        label="Susceptibility or vulnerability factors",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="One factor per line",
    )
    engagement = forms.CharField(
        label="Engagement indicators",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="One factor per line",
    )
    intent = forms.CharField(
        label="Intent indicators",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="One factor per line",
    )
    capability = forms.CharField(
        label="Capability indicators",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="One factor per line",
    )
    decision = forms.ChoiceField(
        label="Gateway decision",
        widget=forms.RadioSelect,
        choices=GatewayDecisionChoice.choices,
        error_messages={"required": "Select the gateway decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Record the rationale for the decision"},
    )
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
        keys = ("service_name", "contact", "request")
        if any(data.get(f"handover_{k}") for k in keys) and not data.get("handover_service_type"):
            self.add_error("handover_service_type", "Choose the type of receiving service")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        factors = [
            {"dimension": dim.value, "factor": line.strip(), "present": True}
            for dim in PafDimension
            for line in data.get(dim.value, "").splitlines()
            if line.strip()
        ]
        handover = None
        if any(data.get(f"handover_{k}") for k in ("service_type", "service_name", "contact", "request")):
            handover = {
                k: data.get(f"handover_{k}", "") for k in ("service_type", "service_name", "contact", "request")
            }
        return {
            "concern_type": data["concern_type"],
            "ideology_or_grievance": data["ideology_or_grievance"],
            "other_vulnerabilities": data["other_vulnerabilities"],
            "factors": factors,
            "decision": data["decision"],
            "rationale": data["rationale"],
            "handover": handover,
        }


class CountersignForm(GovukForm):
    approve = forms.ChoiceField(
        label="Do you countersign this decision?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, countersign it"), ("no", "No, return it to the officer")],
        error_messages={"required": "Select whether you countersign the decision"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea,
        max_length=3000,
        help_text="Required if you do not countersign",
    )
