"""Second-line quality assurance of gateway decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.assessments.models import Assessment
from casework.core.models import BaseModel


class SampleReason(models.TextChoices):
    RANDOM = "random", "Random sample"
    REPEAT_NFA = "repeat_nfa", "NFA on a repeat referral (always sampled)"


class QaItem(BaseModel):
    """A gateway decision selected for QA. Selection is a pure function of the decision and the policy's
    percentage (see services), so redrawing a period selects exactly the same decisions."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="qa_item")
    reason = models.CharField(max_length=12, choices=SampleReason.choices)
    sample_percent = models.PositiveSmallIntegerField()
    finding = models.CharField(max_length=10, blank=True, choices=[("agree", "Agree"), ("disagree", "Disagree")])
    finding_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"QA of {self.assessment_id}"
