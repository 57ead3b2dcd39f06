"""Channel panels (and other multi-agency panel types), meetings, the Vulnerability Assessment Framework,
panel decisions and consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.accounts.models import LocalAuthority
from casework.core.models import BaseModel
from casework.policy.models import PolicyVersion
from casework.referrals.models import Case


class PanelKind(models.TextChoices):
    CHANNEL = "channel", "Channel panel"
    PREVENT_SAFEGUARDING_BOARD = "prevent_safeguarding_board", "Prevent safeguarding board"


class Panel(models.Model):
    """A multi-agency panel, chaired by the local authority. A local Prevent safeguarding board for referrals
    not suited to Channel is another kind of panel, not a special case."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="panels")
    kind = models.CharField(max_length=30, choices=PanelKind.choices, default=PanelKind.CHANNEL)
    name = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["local_authority", "kind"], name="one_panel_kind_per_la")]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(BaseModel):
    audit_type = "meeting"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(db_index=True)
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.panel} {self.date:%d %b %Y}"


class MeetingInvitation(models.Model):
    """A partner invited to a meeting; `attended` is recorded at or after the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=80)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_user")]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="case_once_per_agenda")]


class VafDimension(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement with a group, cause or ideology"
    INTENT = "intent", "Intent to cause harm"
    CAPABILITY = "capability", "Capability to cause harm"


class VafRating(models.TextChoices):
    NONE = "none", "Not present"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class VafAssessment(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vaf_assessments")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    framework_version = models.CharField(max_length=40)
    summary = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")


class VafFactor(models.Model):
    vaf = models.ForeignKey(VafAssessment, on_delete=models.CASCADE, related_name="factors")
    dimension = models.CharField(max_length=12, choices=VafDimension.choices)
    factor = models.CharField(max_length=200)
    rating = models.CharField(max_length=8, choices=VafRating.choices)
    evidence = models.TextField()


class PanelDecisionChoice(models.TextChoices):
    ADOPT = "adopt", "Adopt as a Channel case"
    NOT_ADOPT = "not_adopt", "Not adopt"


class NotAdoptedOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    EXIT = "exit_to_other_services", "Exit to other (non-CT) services"
    PLP = "police_led_partnership", "Police-led partnership"


class PanelDecision(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel_decisions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=PanelDecisionChoice.choices)
    not_adopted_outcome = models.CharField(max_length=30, choices=NotAdoptedOutcome.choices, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
    APPROPRIATE_ROUTE = "appropriate_route", "Appropriate route (person lacking capacity)"


class Consent(BaseModel):
    """Channel support is voluntary: consent (or refusal), who gave it and when. A withdrawal is recorded on
    the consent it withdraws (`withdrawn_on`), so the history reads as it happened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    given_by_name = models.CharField(max_length=150)
    decided_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_notes = models.TextField(blank=True)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", "Risk reduced / support completed"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    MOVED_AREA = "moved_area", "Moved area (transferred to another panel)"
    ESCALATED_TO_POLICE = "escalated_to_police", "Escalated to police management"
    OTHER = "other", "Other"
