"""Referrals and cases.

A `Referral` is one report of concern, with the referrer and their words. A `Case` is one referral journey
about one person; a further referral about a person whose case is still open attaches to that case rather
than starting a parallel one, so nobody judges it alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.accounts.models import LocalAuthority, Region
from casework.core.models import BaseModel
from casework.people.models import Person, PersonDescription
from casework.referrals.states import CaseStatus


class Sector(models.TextChoices):
    """Sector of referral, as in the official statistics."""

    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local Authority"
    HEALTH = "health", "Health"
    COMMUNITY = "community", "Community"
    FAMILY_FRIENDS = "family_friends", "Family/friends"
    PRISONS = "prisons", "Prisons"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    IMMEDIATE = "immediate", "Immediate risk"


class Case(BaseModel):
    """`status` is written only by `referrals.services.case_transition`. `version` increases with every change
    and guards edit forms against lost updates. `closure_cycle` counts Channel closures, so reviews of the first
    closure and of a later one are kept apart after a reopening."""

    audit_type = "case"

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.SCREENING, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="cases")
    opened_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    panel_referred_at = models.DateTimeField(null=True, blank=True, help_text="First progressed to a panel.")
    adopted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Civil date of the latest Channel closure.")
    closure_reason = models.CharField(max_length=40, blank=True)
    closure_rationale = models.TextField(blank=True)
    closure_cycle = models.PositiveSmallIntegerField(default=0)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["local_authority", "status"]),
        ]
        constraints = [
            # At most one open journey per person: a further referral joins it.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(
                    status__in=[
                        "screening",
                        "assessment",
                        "awaiting_countersign",
                        "awaiting_panel",
                        "awaiting_consent",
                        "support_active",
                        "police_led",
                    ]
                ),
                name="one_open_case_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        from casework.referrals.states import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class CaseStatusChange(models.Model):
    """The status history of a case: one row for every change, with who, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    changed_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(blank=True)
    policy_version = models.ForeignKey("policy.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["changed_at", "id"]


class Referral(BaseModel):
    """One report of concern. `description` is the person as this referrer described them; `person` is who we
    believe it is (re-pointed by identity linking); `case` is the journey it belongs to."""

    audit_type = "referral"

    reference = models.CharField(max_length=20, unique=True)
    description = models.OneToOneField(PersonDescription, on_delete=models.PROTECT, related_name="referral")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="referrals")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="referrals")
    referrer_name = models.CharField(max_length=150)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_organisation = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=100, blank=True, help_text="e.g. teacher, nurse, parent")
    sector = models.CharField(max_length=20, choices=Sector.choices)
    concern = models.TextField(help_text="The concern in the referrer's own words.")
    referred_on = models.DateField(help_text="Date of referral: the statistics count referrals by this date.")
    received_at = models.DateTimeField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_details = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="submitted_referrals"
    )
    copied_to_local_authority = models.BooleanField(default=False)
    previous_referral_count = models.PositiveSmallIntegerField(
        default=0, help_text="Earlier referrals about the same person when this one was linked."
    )
    re_referral_of = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="re_referrals",
        help_text="Set when a receiving service raises a re-referral.",
    )

    class Meta:
        indexes = [models.Index(fields=["referred_on"]), models.Index(fields=["region", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_repeat(self) -> bool:
        return self.previous_referral_count > 0
