"""Shared pieces of the case pages: the case sub-navigation and the actions the signed-in user may take now.
An action is offered only when the case's status allows the transition it leads to (TRANSITIONS) and the policy
allows this user to do it (CasePolicy.can), so no page offers a button that leads to a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.views.generic import TemplateView

from casework.core.web import DomainErrorsMixin, ServiceFormView
from casework.referrals.models import Case, CaseStatusChange
from casework.referrals.policies import CaseAction, CasePolicy
from casework.referrals.selectors import case_get_for_user
from casework.referrals.states import CHANNEL_OPEN_STATUSES, TRANSITIONS, CaseStatus

if TYPE_CHECKING:
    from casework.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind LoginRequiredMixin (never anonymous there)."""
    return cast("User", request.user)


def _from(target: str) -> frozenset[str]:
    """The statuses from which the transition table allows a move to `target`."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


S = CaseStatus
# (policy action, statuses in which it applies, button label, URL name). Derived from the transition table.
CASE_ACTIONS: list[tuple[str, frozenset[str], str, str]] = [
    (CaseAction.SCREEN, _from(S.CLOSED_MANAGED_ELSEWHERE), "Screen and deconflict", "assessments:case-screen"),
    (
        CaseAction.ASSESS,
        _from(S.AWAITING_COUNTERSIGN),
        "Record the PAF assessment and decision",
        "assessments:case-assess",
    ),
    (
        CaseAction.COUNTERSIGN,
        _from(S.ASSESSMENT) - _from(S.CLOSED_MANAGED_ELSEWHERE),
        "Countersign the decision",
        "assessments:case-countersign",
    ),
    (
        CaseAction.MANAGE_PANEL,
        _from(S.AWAITING_CONSENT),
        "Record the vulnerability assessment (VAF)",
        "panels:case-vaf",
    ),
    (CaseAction.MANAGE_PANEL, _from(S.AWAITING_CONSENT), "Record the panel decision", "panels:case-decide"),
    (CaseAction.RECORD_CONSENT, _from(S.SUPPORT_ACTIVE), "Record consent", "panels:case-consent"),
    (CaseAction.MANAGE_SUPPORT, frozenset({S.SUPPORT_ACTIVE}), "Add an intervention", "support:intervention-add"),
    (CaseAction.MANAGE_SUPPORT, frozenset({S.SUPPORT_ACTIVE}), "Add an action", "support:action-add"),
    (CaseAction.RECORD_PROGRESS, CHANNEL_OPEN_STATUSES, "Add a progress note", "support:note-add"),
    (
        CaseAction.RECORD_CONSENT,
        frozenset({S.SUPPORT_ACTIVE}),
        "Record consent withdrawn",
        "panels:case-consent-withdraw",
    ),
    (CaseAction.CLOSE, _from(S.CLOSED) & CHANNEL_OPEN_STATUSES, "Close the case", "panels:case-close"),
    (
        CaseAction.EXTEND_MONITORING,
        (_from(S.MONITORING_ENDED) | _from(S.CLOSED)) - CHANNEL_OPEN_STATUSES,
        "Extend monitoring",
        "reviews:case-extend",
    ),
]

CASE_TABS: list[tuple[str, str, str]] = [
    ("summary", "Summary", "referrals:case-detail"),
    ("assessments", "Assessments", "assessments:case-assessments"),
    ("panel", "Panel", "panels:case-panel"),
    ("support", "Support plan", "support:case-plan"),
    ("reviews", "Reviews", "reviews:case-reviews"),
]


@dataclass(frozen=True)
class ActionLink:
    label: str
    href: str
    url_name: str


def _decided_by(case: Case) -> int | None:
    change = (
        CaseStatusChange.objects.filter(case=case, to_status=S.AWAITING_COUNTERSIGN)
        .order_by("-changed_at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return change


def case_actions(user: User, case: Case) -> list[ActionLink]:
    """The actions this user may take on this case now, in journey order."""
    links = []
    allowed: dict[str, bool] = {}
    for action, statuses, label, url_name in CASE_ACTIONS:
        if case.status not in statuses:
            continue
        if action not in allowed:
            allowed[action] = CasePolicy.can(user, action, case)
        if not allowed[action]:
            continue
        if action == CaseAction.COUNTERSIGN and _decided_by(case) == user.pk:
            continue  # a decision is never countersigned by the officer who made it
        links.append(ActionLink(label, reverse(url_name, args=[case.pk]), url_name))
    return links


# Tabs an intervention provider sees: the minimum of a case assigned to them (no assessments, panel or reviews).
MINIMUM_TABS = frozenset({"summary", "support"})


def case_context(user: User, case: Case, tab: str) -> dict[str, Any]:
    detail = CasePolicy.can(user, CaseAction.VIEW_DETAIL, case)
    return {
        "case": case,
        "case_tab": tab,
        "case_tabs": [
            (key, label, reverse(name, args=[case.pk]))
            for key, label, name in CASE_TABS
            if detail or key in MINIMUM_TABS
        ],
        "case_actions": case_actions(user, case),
        "can_view_detail": detail,
    }


class CasePageView(LoginRequiredMixin, DomainErrorsMixin, TemplateView):
    """A read-only case tab. The read is audited (`case.viewed`) by the selector."""

    case_tab = "summary"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        self.case = case_get_for_user(user=user, case_id=self.kwargs["case_id"])
        context.update(case_context(user, self.case, self.case_tab))
        if self.case_tab not in MINIMUM_TABS and not context["can_view_detail"]:
            raise DjangoPermissionDenied("This part of the case is not available to your role.")
        context.update(self.tab_context(self.case))
        return context

    def tab_context(self, case: Case) -> dict[str, Any]:
        return {}


class CaseFormView(ServiceFormView):
    """A form that changes one case through one service. Shown only when the action is offered now."""

    action: str = ""
    action_url_name: str = ""
    case_tab = "summary"
    template_name = "core/case_form.html"

    def load(self) -> None:
        user = acting_user(self.request)
        self.case = case_get_for_user(user=user, case_id=self.kwargs["case_id"], audit=False)

    def allowed(self) -> bool:
        user = acting_user(self.request)
        return any(link.url_name == self.action_url_name for link in case_actions(user, self.case))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(case_context(acting_user(self.request), self.case, self.case_tab))
        context["back_url"] = reverse("referrals:case-detail", args=[self.case.pk])
        return context

    def success_url_for(self, result: Any) -> str:
        return reverse("referrals:case-detail", args=[self.case.pk])
