"""Scheduled reviews and the reminder tasks the sweep creates for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.accounts.models import LocalAuthority, Region
from casework.core.models import BaseModel
from casework.policy.models import PolicyVersion
from casework.referrals.models import Case
from casework.reviews.states import ReviewStatus


class ReviewKind(models.TextChoices):
    OPEN_CASE = "open_case", "Open case review"
    POST_CLOSURE = "post_closure", "Post-closure review"
    BELOW_THRESHOLD = "below_threshold", "Below-threshold assurance review"
    HANDOVER_FOLLOWUP = "handover_followup", "Handover follow-up"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue support"
    RECOMMEND_CLOSURE = "recommend_closure", "Recommend closure"
    NO_CONCERNS = "no_concerns", "No concerns: remain closed"
    CONCERNS = "concerns", "Concerns found: reopen"
    PICKED_UP = "picked_up", "Picked up by the receiving service"
    NOT_PICKED_UP = "not_picked_up", "Not picked up by the receiving service"


class Review(BaseModel):
    """A review that must happen by `due_on`. `months_after_closure` is set for post-closure reviews (6, 12,
    and 18/24 when extended); `closure_cycle` ties it to one closure of the case, so a reopened and re-closed
    case gets a fresh schedule while the old one stays in the history."""

    audit_type = "review"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED, db_index=True
    )
    months_after_closure = models.PositiveSmallIntegerField(null=True, blank=True)
    closure_cycle = models.PositiveSmallIntegerField(default=0)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    extended = models.BooleanField(default=False, help_text="Added by an extension of monitoring.")

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "closure_cycle", "months_after_closure"],
                condition=Q(kind="post_closure"),
                name="one_post_closure_review_per_point",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="open_case", status__in=["scheduled", "due", "overdue"]),
                name="one_pending_open_case_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on:%d %b %Y}"


class TaskKind(models.TextChoices):
    REVIEW_DUE = "review_due", "Review due"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    REVIEW_ESCALATED = "review_escalated", "Overdue review escalated"


class Task(BaseModel):
    """A reminder for the owners of a review: the chairs of a local authority or the officers of a region.
    At most one task of each kind per review, so the sweep can run twice (or twice at once) safely."""

    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="tasks")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    owner_local_authority = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT)
    owner_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    owner_role = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "kind"], name="one_task_per_review_kind")]
        ordering = ["due_on"]
