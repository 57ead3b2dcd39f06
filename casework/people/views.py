"""The person page: one person, one chronology across all their cases and regions. Every view is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from casework.core.web import DomainErrorsMixin

if TYPE_CHECKING:
    from casework.accounts.models import User

from casework.people.selectors import person_chronology, person_get_for_user, person_history_outside_scope


class PersonDetailView(LoginRequiredMixin, DomainErrorsMixin, TemplateView):
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)
        person = person_get_for_user(user=user, person_id=self.kwargs["person_id"])
        context.update(
            {
                "person": person,
                "chronology": list(person_chronology(person=person, user=user).order_by("-occurred_at", "-id")),
                "history_elsewhere": person_history_outside_scope(person=person, user=user),
                "descriptions": person.descriptions.order_by("-created_at")[:5],
                "cases": person.cases.order_by("-opened_at"),
            }
        )
        return context
