"""Screening, the Prevent Assessment Framework (PAF) and the gateway decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.models import BaseModel
from casework.policy.models import PolicyVersion
from casework.referrals.models import Case


class Deconfliction(models.TextChoices):
    """Only the outcome: investigation details never enter Casework."""

    CLEAR = "clear", "Clear"
    MANAGED_ELSEWHERE = "managed_elsewhere", "Managed elsewhere"


class ScreeningOutcome(models.TextChoices):
    PROCEED = "proceed", "Proceed to gateway assessment"
    MISTAKEN = "mistaken", "Closed: mistaken"
    MISGUIDED = "misguided", "Closed: misguided"
    MALICIOUS = "malicious", "Closed: malicious"


class ConcernType(models.TextChoices):
    """Type of concern, as in the official statistics tables."""

    ISLAMIST = "islamist", "Islamist"
    EXTREME_RIGHT_WING = "extreme_right_wing", "Extreme Right-Wing"
    LEFT_WING_ANARCHIST_SINGLE_ISSUE = "left_anarchist_single_issue", "Left-wing, anarchist or single-issue"
    CONFLICTED = "conflicted", "Conflicted"
    SCHOOL_MASSACRE = "school_massacre", "School massacre"
    INCEL = "incel", "Incel"
    MIXED_UNCLEAR_UNSTABLE = "mixed_unclear_unstable", "Mixed, unclear or unstable"
    NO_IDEOLOGY_VULNERABILITY = "no_ideology_vulnerability", "No ideology or CT risk, vulnerability present"
    NO_IDEOLOGY_NO_VULNERABILITY = "no_ideology_no_vulnerability", "No ideology or CT risk, no vulnerability present"
    OTHER = "other", "Other"


class OtherVulnerability(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    NEURODIVERSITY = "neurodiversity", "Neurodiversity"
    SOCIAL_CARE = "social_care", "Social care"
    HOUSING = "housing", "Housing"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    EXPLOITATION = "exploitation", "Exploitation"
    OTHER = "other", "Other"


class PafDimension(models.TextChoices):
    SUSCEPTIBILITY = "susceptibility", "Susceptibility / vulnerability"
    ENGAGEMENT = "engagement", "Engagement"
    INTENT = "intent", "Intent"
    CAPABILITY = "capability", "Capability"


class GatewayDecisionChoice(models.TextChoices):
    NFA = "nfa", "No further action"
    EXIT = "exit_to_other_services", "Exit to other (non-CT) services"
    PLP = "police_led_partnership", "Police-led partnership"
    CHANNEL = "progress_to_channel", "Progress to Channel"


class Screening(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    deconfliction = models.CharField(max_length=20, choices=Deconfliction.choices)
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices)
    notes = models.TextField(blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField()
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")


class Assessment(BaseModel):
    """One version of the PAF for a case (a countersignature refused leads to a new version). `decision` is the
    gateway decision it concluded with; `countersign_status` is empty when no countersignature was needed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    number = models.PositiveSmallIntegerField(help_text="1 for the first assessment of this case, then 2, …")
    framework_version = models.CharField(max_length=40)
    concern_type = models.CharField(max_length=40, choices=ConcernType.choices)
    ideology_or_grievance = models.TextField(blank=True)
    other_vulnerabilities = models.JSONField(default=list, blank=True)
    rationale = models.TextField()
    decision = models.CharField(max_length=30, choices=GatewayDecisionChoice.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    repeat_referral = models.BooleanField(default=False)
    countersign_required = models.BooleanField(default=False)
    countersign_reason = models.CharField(max_length=200, blank=True)
    countersign_status = models.CharField(
        max_length=10, blank=True, choices=[("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")]
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersign_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="unique_assessment_number")]
        ordering = ["case", "number"]

    @property
    def has_vulnerabilities(self) -> bool:
        return bool(self.other_vulnerabilities)


class AssessmentFactor(models.Model):
    """A PAF factor with its evidence, e.g. (engagement, 'shares extremist material online', present, '…')."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    dimension = models.CharField(max_length=20, choices=PafDimension.choices)
    factor = models.CharField(max_length=200)
    present = models.BooleanField(default=True)
    evidence = models.TextField(blank=True)


class ServiceType(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    EDUCATION = "education", "Education"
    EARLY_HELP = "early_help", "Early help"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Handover(BaseModel):
    """A case closed to Prevent and handed to local, non-CT services: who received it and what was asked."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="handovers"
    )
    service_type = models.CharField(max_length=30, choices=ServiceType.choices)
    service_name = models.CharField(max_length=150)
    contact = models.CharField(max_length=200, help_text="Named contact (role, team, phone or secure e-mail).")
    request = models.TextField(help_text="What the receiving service was asked to do.")
    handed_over_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receiving_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_handovers",
        help_text="The receiving service's account: it sees this handover only, never the Prevent case.",
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    engagement = models.CharField(
        max_length=12, blank=True, choices=[("engaged", "Engaged with the service"), ("not_engaged", "Not engaged")]
    )
    engagement_recorded_at = models.DateTimeField(null=True, blank=True)
    engagement_notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Handover to {self.service_name}"
