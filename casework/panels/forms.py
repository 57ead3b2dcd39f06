"""Panel forms: meetings, agenda, attendance, minutes, VAF, decision, consent and closure. Parsing only."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.assessments.handover_form import HandoverFieldsForm
from casework.core.forms import GovukDateField, GovukForm
from casework.panels.models import (
    ClosureReason,
    ConsentGivenBy,
    NotAdoptedOutcome,
    PanelDecisionChoice,
    VafDimension,
    VafRating,
)


class MeetingScheduleForm(GovukForm):
    date = GovukDateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    location = forms.CharField(label="Location", required=False, max_length=200)


class AgendaAddForm(GovukForm):
    case = forms.ChoiceField(label="Case to add to the agenda", error_messages={"required": "Choose a case"})


class InviteForm(GovukForm):
    user = forms.ChoiceField(label="Panel member", error_messages={"required": "Choose a panel member"})
    agency = forms.CharField(
        label="Agency they represent",
        max_length=80,
        help_text="For example, health",
        error_messages={"required": "Give the agency the member represents"},
    )


class AttendanceForm(GovukForm):
    attended = forms.MultipleChoiceField(label="Who attended?", required=False, widget=forms.CheckboxSelectMultiple)


class MinutesForm(GovukForm):
    case = forms.CharField(widget=forms.HiddenInput)
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Write the minutes for this case"},
    )


class VafForm(GovukForm):
    meeting = forms.ChoiceField(label="Meeting", required=False)
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea, max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dim in VafDimension:
            self.fields[f"{dim.value}_factor"] = forms.CharField(
                label=f"{dim.label}: factor",
                max_length=200,
                error_messages={"required": f"Describe the {dim.value} factor"},
            )
            self.fields[f"{dim.value}_rating"] = forms.ChoiceField(
                label=f"{dim.label}: rating",
                widget=forms.RadioSelect,
                choices=VafRating.choices,
                error_messages={"required": f"Rate the {dim.value} factor"},
            )
            self.fields[f"{dim.value}_evidence"] = forms.CharField(
                label=f"{dim.label}: evidence",
                widget=forms.Textarea,
                max_length=3000,
                error_messages={"required": f"Give the evidence for the {dim.value} factor"},
            )
        self.order_fields(
            ["meeting", *[f"{d.value}_{p}" for d in VafDimension for p in ("factor", "rating", "evidence")], "summary"]
        )

    def factors(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {
                "dimension": dim.value,
                "factor": d[f"{dim.value}_factor"],
                "rating": d[f"{dim.value}_rating"],
                "evidence": d[f"{dim.value}_evidence"],
            }
            for dim in VafDimension
        ]


class PanelDecideForm(HandoverFieldsForm):
    field_order = ["meeting", "decision", "not_adopted_outcome", "rationale"]

    meeting = forms.ChoiceField(label="Meeting", required=False)
    decision = forms.ChoiceField(
        label="Panel decision",
        widget=forms.RadioSelect,
        choices=PanelDecisionChoice.choices,
        error_messages={"required": "Select the panel's decision"},
    )
    not_adopted_outcome = forms.ChoiceField(
        label="If not adopted, what happens next",
        widget=forms.RadioSelect,
        choices=NotAdoptedOutcome.choices,
        required=False,
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Record the panel's rationale"},
    )


class ConsentForm(GovukForm):
    status = forms.ChoiceField(
        label="Was consent given?",
        widget=forms.RadioSelect,
        choices=[("given", "Consent given"), ("refused", "Consent refused")],
        error_messages={"required": "Select whether consent was given"},
    )
    given_by = forms.ChoiceField(
        label="Who gave or refused consent?",
        widget=forms.RadioSelect,
        choices=ConsentGivenBy.choices,
        help_text="Under 18: a parent or guardian",
        error_messages={"required": "Select who gave or refused consent"},
    )
    given_by_name = forms.CharField(
        label="Their name",
        max_length=150,
        error_messages={"required": "Give the name of the person who gave or refused consent"},
    )
    decided_on = GovukDateField(label="Date", required=False, help_text="Leave blank for today")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=3000)


class ConsentWithdrawForm(GovukForm):
    next_step = forms.ChoiceField(
        label="What happens next?",
        widget=forms.RadioSelect,
        choices=[("closed", "Close the Channel case"), ("police_led", "Police-led partnership")],
        error_messages={"required": "Select what happens after the withdrawal"},
    )
    withdrawn_on = GovukDateField(label="Date consent was withdrawn", required=False, help_text="Leave blank for today")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=3000)


class CloseForm(GovukForm):
    reason = forms.ChoiceField(
        label="Reason for closing",
        widget=forms.RadioSelect,
        choices=ClosureReason.choices,
        error_messages={"required": "Select the reason for closing the case"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Record the rationale for closing the case"},
    )
