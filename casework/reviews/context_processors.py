"""The service navigation for the signed-in user's role, with the count of their open work in the header."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from casework.accounts.models import Role
from casework.reviews.selectors import task_list_for_user

CASE_ROLES = frozenset(
    {Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR, Role.CHANNEL_CHAIR, Role.PANEL_MEMBER, Role.INTERVENTION_PROVIDER}
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context = _navigation(request, user)
    # The idle timeout, for the session-expiry warning (casework/static/casework/init.mjs).
    context["session_timeout_seconds"] = settings.SESSION_COOKIE_AGE
    return context


def _navigation(request: HttpRequest, user: Any) -> dict[str, Any]:
    if user is None or not user.is_authenticated:
        return {
            "nav_items": [
                {
                    "label": "Make a referral",
                    "href": reverse("referrals:referral-start"),
                    "active": request.path.startswith("/refer/"),
                },
                {"label": "Sign in", "href": reverse("login"), "active": False},
            ]
        }
    items: list[tuple[str, str, int]] = [("My work", reverse("home"), task_list_for_user(user=user).count())]
    if user.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR):
        items.append(("Triage queue", reverse("referrals:case-list"), 0))
    elif user.role in CASE_ROLES:
        items.append(("Cases", reverse("referrals:case-list"), 0))
    if user.role in (Role.CHANNEL_CHAIR, Role.PANEL_MEMBER):
        items.append(("Panel meetings", reverse("panels:meeting-list"), 0))
    if user.role == Role.ASSURANCE_LEAD:
        items.append(("Assurance", reverse("reviews:assurance-dashboard"), 0))
    items.append(("Make a referral", reverse("referrals:referral-start"), 0))
    path = request.path
    nav = []
    for label, href, count in items:
        active = path == href if href == "/" else path.startswith(href)
        nav.append({"label": label, "href": href, "count": count, "active": active})
    return {"nav_items": nav}
