"""Screening, PAF assessment and countersignature forms: parsing only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.assessments.handover_form import HandoverFieldsForm
from casework.assessments.models import (
    ConcernType,
    Deconfliction,
    GatewayDecisionChoice,
    OtherVulnerability,
    PafDimension,
    ScreeningOutcome,
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


class AssessForm(HandoverFieldsForm):
    field_order = [
        "concern_type",
        "ideology_or_grievance",
        "other_vulnerabilities",
        "susceptibility",
        "engagement",
        "intent",
        "capability",
        "decision",
        "rationale",
    ]

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

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        factors = [
            {"dimension": dim.value, "factor": line.strip(), "present": True}
            for dim in PafDimension
            for line in data.get(dim.value, "").splitlines()
            if line.strip()
        ]
        return {
            "concern_type": data["concern_type"],
            "ideology_or_grievance": data["ideology_or_grievance"],
            "other_vulnerabilities": data["other_vulnerabilities"],
            "factors": factors,
            "decision": data["decision"],
            "rationale": data["rationale"],
            "handover": self.handover(),
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
