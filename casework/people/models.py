"""People, what each referral said about them, and their single chronology.

`Person` is who we believe someone is (one row per real individual once linked). `PersonDescription` is what
one source (a referral) said about them, kept exactly as given: names are spelled differently, dates of birth
mistyped, addresses change, and merging or unmerging persons only moves descriptions between persons, never
edits them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.accounts.models import LocalAuthority, Region
from casework.core.models import BaseModel


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other or not specified"


class Person(BaseModel):
    """The individual. Names and date of birth here are the working identity (from the first description,
    corrected by officers); the raw, as-referred versions stay on each `PersonDescription`."""

    audit_type = "person"

    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.OTHER)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name or "(name not known)"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class PersonDescription(BaseModel):
    """A person as described by one referral (or import). Never edited after it is recorded."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="descriptions")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names the person is known by.")
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Approximate age if no DOB.")
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.OTHER)
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    school_or_employer = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=40, default="referral")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class PersonArea(models.Model):
    """Which regions and local authorities hold (or held) a case about this person. This is how the
    person-level policy scopes visibility without reading the higher-level case tables."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey(Region, on_delete=models.PROTECT)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "region", "local_authority"], name="unique_person_area")
        ]


class ChronologyKind(models.TextChoices):
    REFERRAL = "referral", "Referral received"
    SCREENING = "screening", "Screening"
    ASSESSMENT = "assessment", "Assessment"
    DECISION = "decision", "Decision"
    COUNTERSIGN = "countersign", "Countersignature"
    HANDOVER = "handover", "Handover to other services"
    PANEL = "panel", "Channel panel"
    CONSENT = "consent", "Consent"
    SUPPORT = "support", "Support"
    REVIEW = "review", "Review"
    CLOSURE = "closure", "Closure"
    REOPENED = "reopened", "Reopened"
    IDENTITY = "identity", "Identity"


class ChronologyEntry(models.Model):
    """One line of a person's single history, appended explicitly by the service that made the change.
    `case_id`/`referral_id` are plain UUIDs (not foreign keys) because cases live in a higher layer."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=ChronologyKind.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    referral_id = models.UUIDField(null=True, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    local_authority = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["person", "occurred_at"])]


class MatchProposal(models.Model):
    """A person the matcher proposed as possibly the same as the one a description (referral) is about. Kept with
    the model version and the explanation shown to the officer, whatever the officer then decides."""

    description = models.ForeignKey(PersonDescription, on_delete=models.CASCADE, related_name="match_proposals")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    explanation = models.JSONField(default=list)
    model_version = models.CharField(max_length=40)
    proposed_at = models.DateTimeField()
    status = models.CharField(
        max_length=10,
        default="proposed",
        choices=[("proposed", "Proposed"), ("linked", "Same person"), ("rejected", "Not the same person")],
    )

    class Meta:
        ordering = ["-probability"]
        constraints = [models.UniqueConstraint(fields=["description", "candidate"], name="one_proposal_per_pair")]


class MatchDecision(models.Model):
    """A person's decision on a pair: the description is (or is not) about this person. `fingerprint` captures
    the data both sides had, so a rejected pair is proposed again only when new data arrives."""

    description = models.ForeignKey(PersonDescription, on_delete=models.CASCADE, related_name="match_decisions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    same_person = models.BooleanField()
    reason = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64)
    probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()


class PersonMerge(models.Model):
    """Two persons found to be one. `moved` lists exactly which rows were re-pointed so that an unmerge restores
    them; descriptions are never edited either way."""

    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merged_away")
    target = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merged_in")
    reason = models.TextField()
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)
