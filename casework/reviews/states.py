"""Review lifecycle: scheduled → due (inside its window) → overdue (past its date) → completed; any open
review may be cancelled when the case moves on (e.g. closed, or reopened)."""

from __future__ import annotations

from django.db import models


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


R = ReviewStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    R.SCHEDULED: frozenset({R.DUE, R.OVERDUE, R.CANCELLED}),
    R.DUE: frozenset({R.OVERDUE, R.COMPLETED, R.CANCELLED}),
    R.OVERDUE: frozenset({R.COMPLETED, R.CANCELLED}),
    R.COMPLETED: frozenset(),
    R.CANCELLED: frozenset(),
}
PENDING_STATUSES = frozenset({R.SCHEDULED, R.DUE, R.OVERDUE})
