"""Input parsing for the referral form and the triage queue filters. Business rules stay in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import LocalAuthority
from casework.core.forms import GovukDateField, GovukForm
from casework.people.models import Sex
from casework.referrals.models import Sector, Urgency
from casework.referrals.states import CaseStatus

YES_NO = [("yes", "Yes"), ("no", "No")]


class PersonStepForm(GovukForm):
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    aliases = forms.CharField(
        label="Other names they are known by", required=False, max_length=300, help_text="Separate names with commas"
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2009. Leave blank if you do not know it"
    )
    age_estimate = forms.IntegerField(
        widget=forms.NumberInput(attrs={"data-width": "3"}),
        label="Approximate age, if you do not know the date of birth",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the approximate age as a number, like 15"},
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex, or 'Other or not specified'"},
    )
    address_line = forms.CharField(label="Address", required=False, max_length=200)
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=10, widget=forms.TextInput(attrs={"data-width": "10"})
    )
    school_or_employer = forms.CharField(label="School, college or employer", required=False, max_length=200)
    languages = forms.CharField(label="Languages spoken", required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name") or data.get("aliases")):
            self.add_error("given_name", "Enter the person's first name, last name or another name they use")
        return data


class ConcernStepForm(GovukForm):
    local_authority = forms.ModelChoiceField(
        label="Local authority where the person lives",
        queryset=LocalAuthority.objects.order_by("name"),
        to_field_name="code",
        empty_label="Choose a local authority",
        error_messages={"required": "Choose the local authority where the person lives"},
    )
    concern = forms.CharField(
        label="What is your concern?",
        widget=forms.Textarea,
        max_length=5000,
        help_text="Describe what you saw or heard, when, and anything that worries you",
        error_messages={"required": "Describe your concern"},
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent this is"},
    )
    immediate_risk = forms.ChoiceField(
        label="Is anyone at immediate risk of harm?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if anyone is at immediate risk"},
    )
    immediate_risk_details = forms.CharField(
        label="Details of the immediate risk",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="If someone is in danger now, call 999 as well",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("immediate_risk") == "yes" and not data.get("immediate_risk_details", "").strip():
            self.add_error("immediate_risk_details", "Describe the immediate risk")
        return data


class ReferrerStepForm(GovukForm):
    referrer_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    referrer_role = forms.CharField(
        label="Your role", required=False, max_length=100, help_text="For example, teacher, nurse, parent"
    )
    referrer_organisation = forms.CharField(label="Organisation", required=False, max_length=150)
    sector = forms.ChoiceField(
        label="Which sector are you referring from?",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your sector"},
    )
    referrer_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    referrer_phone = forms.CharField(
        label="Phone number", required=False, max_length=30, widget=forms.TextInput(attrs={"data-width": "20"})
    )


SORTS = {
    "opened": "opened_at",
    "-opened": "-opened_at",
    "reference": "reference",
    "-reference": "-reference",
    "status": "status",
    "-status": "-status",
    "urgency": "urgency_rank",
    "-urgency": "-urgency_rank",
}


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *CaseStatus.choices])
    urgency = forms.ChoiceField(label="Urgency", required=False, choices=[("", "Any urgency"), *Urgency.choices])
    repeat = forms.ChoiceField(
        label="Repeat referral",
        required=False,
        choices=[("", "Any"), ("yes", "Repeat referrals only"), ("no", "First referrals only")],
    )
    older_than = forms.ChoiceField(
        label="Age of referral",
        required=False,
        choices=[("", "Any age"), ("5", "Older than 5 days"), ("28", "Older than 28 days")],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)
