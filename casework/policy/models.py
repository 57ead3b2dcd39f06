"""Versioned policy: every configurable rule of domain.md lives here, never as a literal in code.

A `PolicyVersion` is a threshold set with an effective date that applies nationally or to named pilot local
authorities. Every decision and every scheduled review stores the version it was made under; once a version has
been used it is frozen (`locked_at`), so a change of policy never rewrites the past — make a new version instead.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from casework.accounts.models import LocalAuthority


def _default_post_closure() -> list[int]:
    return [6, 12]


def _default_below_threshold() -> list[int]:
    return [30, 90]


def _default_handover_followups() -> list[int]:
    return [14, 42]


class PolicyVersion(models.Model):
    """One version of the rules. Field names say the unit (`_days`, `_months`, `_percent`)."""

    version = models.CharField(max_length=40, unique=True, help_text="e.g. '2026.1' or '2026.1-pilot-north'")
    name = models.CharField(max_length=150)
    effective_from = models.DateField()
    is_pilot = models.BooleanField(default=False, help_text="Applies only to the pilot areas below.")
    pilot_areas = models.ManyToManyField(LocalAuthority, blank=True, related_name="pilot_policies")

    gateway_target_working_days = models.PositiveSmallIntegerField(default=5)
    panel_target_days = models.PositiveSmallIntegerField(default=30, help_text="Decision to first panel.")
    open_case_review_interval_days = models.PositiveSmallIntegerField(default=30)
    review_window_days = models.PositiveSmallIntegerField(
        default=14, help_text="A scheduled review becomes due (and may be completed) this many days before its date."
    )
    post_closure_review_months = models.JSONField(default=_default_post_closure)
    extension_step_months = models.PositiveSmallIntegerField(default=6)
    max_monitoring_months = models.PositiveSmallIntegerField(default=24)
    below_threshold_review_days = models.JSONField(default=_default_below_threshold)
    handover_followup_days = models.JSONField(default=_default_handover_followups)
    countersign_all_nfa = models.BooleanField(default=False)
    countersign_repeat_referral_count = models.PositiveSmallIntegerField(
        default=2, help_text="Countersign an NFA on a person's Nth referral (or later) within the window."
    )
    countersign_repeat_window_years = models.PositiveSmallIntegerField(default=3)
    qa_sample_percent = models.PositiveSmallIntegerField(default=10)
    escalation_grace_days = models.PositiveSmallIntegerField(default=7)
    paf_framework_version = models.CharField(max_length=40, default="PAF 2024")
    vaf_framework_version = models.CharField(max_length=40, default="VAF 2024")
    locked_at = models.DateTimeField(null=True, blank=True, help_text="Set when first used; then read-only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "version"]

    def __str__(self) -> str:
        return f"{self.version} ({'pilot' if self.is_pilot else 'national'}, from {self.effective_from:%d %b %Y})"

    def clean(self) -> None:
        months = self.post_closure_review_months
        if not isinstance(months, list) or not months or not all(isinstance(m, int) and m > 0 for m in months):
            raise ValidationError({"post_closure_review_months": "Enter a list of whole months, e.g. [6, 12]."})
        if sorted(months) != months:
            raise ValidationError({"post_closure_review_months": "List the months in increasing order."})
        if max(months) > self.max_monitoring_months:
            raise ValidationError(
                {"post_closure_review_months": "A review cannot fall after the maximum monitoring period."}
            )
        for name in ("below_threshold_review_days", "handover_followup_days"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(d, int) and d > 0 for d in value):
                raise ValidationError({name: "Enter a list of whole days, e.g. [30, 90]."})
        if self.qa_sample_percent > 100:
            raise ValidationError({"qa_sample_percent": "A percentage cannot exceed 100."})
