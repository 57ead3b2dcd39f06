"""Who may see a person's record. Persons are scoped through the areas that hold their cases (PersonArea):
Prevent officers by region, Channel chairs by local authority. Panel members and providers see a person only
through a case they may see, never a person page. Everyone else: nothing (deny by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from casework.accounts.models import Role
from casework.accounts.selectors import active_grant_target_ids, has_active_grant
from casework.people.models import Person

if TYPE_CHECKING:
    from casework.accounts.models import User


class PersonPolicy:
    @staticmethod
    def visible_to(user: User) -> QuerySet[Person]:
        """Persons in the user's scope, plus any person they opened break-glass while the grant lasts."""
        scoped = PersonPolicy.in_scope(user)
        if not (user.is_authenticated and user.is_active):
            return scoped
        grants = active_grant_target_ids(user=user, target_type="person")
        if not grants.exists():
            return scoped
        return Person.objects.filter(merged_into__isnull=True).filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=grants))

    @staticmethod
    def sees_whole_history(user: User, person: Person) -> bool:
        """Whether the user may see the person's chronology in every region. Without a break-glass grant (a reason
        recorded) a user sees only the entries of their own region or local authority."""
        return has_active_grant(user=user, target_type="person", target_id=person.pk)

    @staticmethod
    def chronology_scope(user: User) -> Q:
        """The chronology entries a user sees without a grant: their own area's (and area-less ones)."""
        if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
            return Q(region_id=user.region_id) | Q(region__isnull=True, local_authority__isnull=True)
        if user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
            return Q(local_authority_id=user.local_authority_id) | Q(region__isnull=True, local_authority__isnull=True)
        return Q(pk__in=[])

    @staticmethod
    def in_scope(user: User) -> QuerySet[Person]:
        people = Person.objects.filter(merged_into__isnull=True)
        if not (user.is_authenticated and user.is_active):
            return people.none()
        if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR) and user.region_id:
            return people.filter(areas__region_id=user.region_id).distinct()
        if user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
            return people.filter(areas__local_authority_id=user.local_authority_id).distinct()
        return people.none()
