"""Who may see a person's record. Persons are scoped through the areas that hold their cases (PersonArea):
Prevent officers by region, Channel chairs by local authority. Panel members and providers see a person only
through a case they may see, never a person page. Everyone else: nothing (deny by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from casework.accounts.models import Role
from casework.people.models import Person

if TYPE_CHECKING:
    from casework.accounts.models import User


class PersonPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Person]:
        people = Person.objects.filter(merged_into__isnull=True)
        if not (user.is_authenticated and user.is_active):
            return people.none()
        if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
            return people.filter(areas__region_id=user.region_id).distinct()
        if user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
            return people.filter(areas__local_authority_id=user.local_authority_id).distinct()
        return people.none()
