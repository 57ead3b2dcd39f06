"""The support package of an adopted Channel case: interventions, actions and progress notes. The plan is the
set of these on the case; it has no state of its own beyond theirs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.models import BaseModel
from casework.referrals.models import Case


class InterventionType(models.Model):
    """Reference data, managed by administrators: the kinds of intervention a support package may contain.
    Retired types stay (`active=False`) so that past packages keep their meaning."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    requires_approved_provider = models.BooleanField(
        default=False, help_text="e.g. ideological mentoring is delivered only by Home Office approved providers."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended early"


INTERVENTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InterventionStatus.PLANNED: frozenset({InterventionStatus.ACTIVE, InterventionStatus.ENDED}),
    InterventionStatus.ACTIVE: frozenset({InterventionStatus.COMPLETED, InterventionStatus.ENDED}),
    InterventionStatus.COMPLETED: frozenset(),
    InterventionStatus.ENDED: frozenset(),
}


class Intervention(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    type = models.CharField(max_length=40, help_text="An InterventionType code.")
    provider_name = models.CharField(max_length=150)
    provider_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text="The provider's account: it sees this case's minimum, no more.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED)
    goals = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                name="intervention_ends_after_start",
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]


class SupportAction(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_actions")
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=300)
    owner_name = models.CharField(max_length=150)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]


class ProgressNote(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_notes")
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["written_at"]
