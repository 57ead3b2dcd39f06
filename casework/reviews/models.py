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
    subject_key = models.CharField(
        max_length=80,
        blank=True,
        help_text="For assurance reviews, what scheduled it, e.g. 'assessment:<id>:30' or 'handover:<id>:14'.",
    )

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
            models.UniqueConstraint(
                fields=["kind", "subject_key"], condition=~Q(subject_key=""), name="one_assurance_review_per_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on:%d %b %Y}"


class TaskKind(models.TextChoices):
    REVIEW_DUE = "review_due", "Review due"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    REVIEW_ESCALATED = "review_escalated", "Overdue review escalated"
    COUNTERSIGN_PENDING = "countersign_pending", "Decision awaiting countersignature"
    COUNTERSIGN_ESCALATED = "countersign_escalated", "Countersignature overdue, escalated"
    GATEWAY_TARGET_BREACHED = "gateway_target_breached", "Gateway decision past its target"
    GATEWAY_ESCALATED = "gateway_escalated", "Gateway decision past its target, escalated"
    PANEL_TARGET_BREACHED = "panel_target_breached", "Case waiting for panel past its target"


class Task(BaseModel):
    """Something an owner must do: the chairs of a local authority, the officers or supervisors of a region, or
    one named user (a receiving service). `subject_key` names what it is about ("review:<id>",
    "countersign:<assessment id>", "gateway:<case id>"); there is at most one task of each kind per subject, so
    the sweep can run twice, or twice at once, or be killed and rerun, and nothing is created twice."""

    kind = models.CharField(max_length=30, choices=TaskKind.choices)
    subject_key = models.CharField(max_length=80)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    owner_local_authority = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT)
    owner_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_role = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    escalation = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "subject_key"], name="one_task_per_subject_kind")]
        indexes = [models.Index(fields=["done_at", "owner_role"])]
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """An e-mail to send, written in the same transaction as its task (an outbox). The sender claims and marks a
    row sent in a committed transaction before handing it to the mail backend, so a worker killed at any point
    never sends it twice; the task itself, which is what matters, is never lost."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "recipient"], name="one_notification_per_recipient")]
