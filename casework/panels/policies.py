from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet

from casework.accounts.models import Role
from casework.core.errors import NotFound, PermissionDenied
from casework.panels.models import Meeting, Panel

if TYPE_CHECKING:
    from casework.accounts.models import User


class MeetingAction(models.TextChoices):
    VIEW = "view"
    MANAGE = "manage"


class MeetingPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Meeting]:
        meetings = Meeting.objects.all()
        if not (user.is_authenticated and user.is_active) or not user.local_authority_id:
            return meetings.none()
        if user.role == Role.CHANNEL_CHAIR:
            return meetings.filter(panel__local_authority_id=user.local_authority_id)
        if user.role == Role.PANEL_MEMBER:
            return meetings.filter(panel__local_authority_id=user.local_authority_id, invitations__user=user)
        return meetings.none()

    @staticmethod
    def can(user: User, action: str, meeting: Meeting) -> bool:
        if action not in MeetingAction.values:
            return False
        if not MeetingPolicy.visible_to(user).filter(pk=meeting.pk).exists():
            return False
        return action == MeetingAction.VIEW or user.role == Role.CHANNEL_CHAIR


class PanelPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Panel]:
        if user.is_authenticated and user.is_active and user.role in (Role.CHANNEL_CHAIR, Role.PANEL_MEMBER):
            return Panel.objects.filter(local_authority_id=user.local_authority_id)
        return Panel.objects.none()

    @staticmethod
    def can_schedule(user: User, panel: Panel) -> bool:
        return (
            user.is_authenticated
            and user.role == Role.CHANNEL_CHAIR
            and (panel.local_authority_id == user.local_authority_id)
        )


def authorize_meeting(actor: User, action: str, meeting: Meeting) -> None:
    if not MeetingPolicy.visible_to(actor).filter(pk=meeting.pk).exists():
        raise NotFound("No meeting with that id.")
    if not MeetingPolicy.can(actor, action, meeting):
        raise PermissionDenied(
            "Only the panel chair can change a meeting.",
            target_type="meeting",
            target_id=str(meeting.pk),
            action=action,
        )
