from __future__ import annotations

from typing import Any

from django import forms

from casework.core.forms import GovukForm, set_choices
from casework.reviews.models import ReviewOutcome


class ReviewCompleteForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=ReviewOutcome.choices,
        error_messages={"required": "Select the outcome of the review"},
    )
    notes = forms.CharField(
        label="What the review found",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Record what the review found"},
    )

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", outcomes)


class ReviewExtendForm(GovukForm):
    until_months = forms.TypedChoiceField(
        label="Extend monitoring until",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[("18", "18 months after closure"), ("24", "24 months after closure")],
        error_messages={"required": "Select how long to extend monitoring for"},
    )
    reason = forms.CharField(
        label="The panel's reason",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Give the panel's reason for extending monitoring"},
    )
