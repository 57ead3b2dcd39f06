from __future__ import annotations

from django import forms

from casework.core.forms import GovukDateField, GovukForm


class InterventionForm(GovukForm):
    type = forms.ChoiceField(label="Type of intervention", error_messages={"required": "Choose the type"})
    provider_name = forms.CharField(
        label="Provider",
        max_length=150,
        help_text="Organisation or named mentor",
        error_messages={"required": "Name the provider"},
    )
    provider_user = forms.ChoiceField(
        label="Provider's Casework account",
        required=False,
        help_text="They will see the minimum of this case needed to record progress",
    )
    starts_on = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    ends_on = GovukDateField(label="End date", required=False)
    goals = forms.CharField(label="Goals", required=False, widget=forms.Textarea, max_length=3000)


class ActionForm(GovukForm):
    description = forms.CharField(label="Action", max_length=300, error_messages={"required": "Describe the action"})
    owner_name = forms.CharField(
        label="Owner",
        max_length=150,
        help_text="Who will do it (name and agency)",
        error_messages={"required": "Name the owner"},
    )
    due_on = GovukDateField(label="Due date", help_text="For example, 27 3 2026")
    intervention = forms.ChoiceField(label="Intervention", required=False)


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Progress note",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Write the progress note"},
    )
    intervention = forms.ChoiceField(label="Intervention", required=False)
