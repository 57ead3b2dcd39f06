from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from casework.accounts.models import Role
from casework.reviews.models import Review, Task
from casework.reviews.states import PENDING_STATUSES

if TYPE_CHECKING:
    from casework.accounts.models import User


def task_list_for_user(*, user: User, include_done: bool = False) -> QuerySet[Task]:
    """The signed-in user's work: tasks addressed to them by name, or to their role in their area."""
    if not (user.is_authenticated and user.is_active):
        return Task.objects.none()
    mine = Q(owner_user=user)
    if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
        mine |= Q(owner_user__isnull=True, owner_role=user.role, owner_region_id=user.region_id)
    elif user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
        mine |= Q(owner_user__isnull=True, owner_role=user.role, owner_local_authority_id=user.local_authority_id)
    tasks = Task.objects.filter(mine).select_related("case", "review")
    if not include_done:
        tasks = tasks.filter(done_at__isnull=True)
    return tasks.order_by("due_on", "created_at")


def reviews_pending_for_user(*, user: User) -> QuerySet[Review]:
    """Reviews the user's role owns in their area that are not yet done (for 'my work' counts)."""
    pending = Review.objects.filter(status__in=PENDING_STATUSES).select_related("case")
    if user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
        return pending.filter(kind__in=["open_case", "post_closure"], case__local_authority_id=user.local_authority_id)
    if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
        return pending.filter(kind__in=["below_threshold", "handover_followup"], case__region_id=user.region_id)
    return pending.none()
