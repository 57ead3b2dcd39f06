"""My work (the signed-in user's home page), a case's reviews, and completing or extending reviews."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from casework.accounts.models import Role, User
from casework.core.dates import today
from casework.core.errors import NotFound
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, CasePolicy
from casework.referrals.web import CaseFormView, CasePageView, acting_user
from casework.reviews import services
from casework.reviews.forms import ReviewCompleteForm, ReviewExtendForm
from casework.reviews.models import Review, ReviewKind, ReviewOutcome
from casework.reviews.selectors import reviews_pending_for_user, task_list_for_user
from casework.reviews.states import PENDING_STATUSES, ReviewStatus


class MyWorkView(TemplateView):
    """The home page. Signed out: the public start (make a referral, sign in). Signed in: the user's tasks and
    the reviews their role owns, due and overdue first, with counts."""

    def get_template_names(self) -> list[str]:
        return ["reviews/my_work.html" if self.request.user.is_authenticated else "reviews/start.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if not user.is_authenticated:
            return context
        assert isinstance(user, User)
        tasks = list(task_list_for_user(user=user)[:100])
        reviews = reviews_pending_for_user(user=user)
        counts = reviews.aggregate(
            due=Count("id", filter=Q(status=ReviewStatus.DUE)),
            overdue=Count("id", filter=Q(status=ReviewStatus.OVERDUE)),
        )
        context.update(
            {
                "tasks": tasks,
                "overdue_tasks": sum(1 for t in tasks if t.due_on < today()),
                "reviews": list(
                    reviews.filter(status__in=[ReviewStatus.DUE, ReviewStatus.OVERDUE])
                    .select_related("case__person")
                    .order_by("due_on")[:50]
                ),
                "reviews_due": counts["due"],
                "reviews_overdue": counts["overdue"],
                "today": today(),
            }
        )
        if user.role in (
            Role.PREVENT_OFFICER,
            Role.PREVENT_SUPERVISOR,
            Role.CHANNEL_CHAIR,
            Role.PANEL_MEMBER,
            Role.INTERVENTION_PROVIDER,
        ):
            by_status = dict(CasePolicy.visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
            context["case_counts"] = by_status
            context["my_cases"] = (
                list(CasePolicy.visible_to(user).select_related("person").order_by("-opened_at")[:20])
                if user.role in (Role.PANEL_MEMBER, Role.INTERVENTION_PROVIDER)
                else []
            )
        return context


class CaseReviewsView(CasePageView):
    template_name = "reviews/case_reviews.html"
    case_tab = "reviews"

    def tab_context(self, case: Case) -> dict[str, Any]:
        user = acting_user(self.request)
        can_complete = {
            "police": CasePolicy.can(user, CaseAction.COMPLETE_ASSURANCE_REVIEW, case),
            "panel": CasePolicy.can(user, CaseAction.COMPLETE_REVIEW, case),
        }
        rows = []
        for review in case.reviews.order_by("due_on", "created_at"):
            who = "police" if review.kind in services.ASSURANCE_KINDS else "panel"
            actionable = review.status in (ReviewStatus.DUE, ReviewStatus.OVERDUE) and can_complete[who]
            rows.append((review, actionable))
        return {"review_rows": rows}


class ReviewCompleteView(CaseFormView):
    heading = "Complete the review"
    submit_label = "Complete review"
    success_message = "Review completed"
    case_tab = "reviews"

    def load(self) -> None:
        review = Review.objects.filter(pk=self.kwargs["review_id"]).first()
        if review is None:
            raise NotFound("No review with that id.")
        self.kwargs["case_id"] = review.case_id
        super().load()
        self.review = review

    def allowed(self) -> bool:
        user = acting_user(self.request)
        action = (
            CaseAction.COMPLETE_ASSURANCE_REVIEW
            if self.review.kind in services.ASSURANCE_KINDS
            else CaseAction.COMPLETE_REVIEW
        )
        return self.review.status in (ReviewStatus.DUE, ReviewStatus.OVERDUE) and CasePolicy.can(
            user, action, self.case
        )

    def get_form(self, form_class: Any = None) -> forms.Form:
        outcomes = [
            (o.value, o.label) for o in ReviewOutcome if o in services.OUTCOMES_BY_KIND[ReviewKind(self.review.kind)]
        ]
        return ReviewCompleteForm(outcomes=outcomes, **self.get_form_kwargs())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["heading"] = f"Complete the {self.review.get_kind_display().lower()}"
        context["intro"] = f"Due on {self.review.due_on:%-d %B %Y}."
        return context

    def perform(self, form: forms.Form) -> Any:
        return services.review_complete(
            actor=acting_user(self.request),
            review=self.review,
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("reviews:case-reviews", args=[self.case.pk])


class ReviewExtendView(CaseFormView):
    form_class = ReviewExtendForm
    action_url_name = "reviews:case-extend"
    heading = "Extend post-closure monitoring"
    submit_label = "Extend monitoring"
    success_message = "Monitoring extended"
    case_tab = "reviews"

    def perform(self, form: forms.Form) -> Any:
        return services.review_extend(
            actor=acting_user(self.request),
            case=self.case,
            until_months=form.cleaned_data["until_months"],
            reason=form.cleaned_data["reason"],
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("reviews:case-reviews", args=[self.case.pk])


class OverdueDashboardView(LoginRequiredMixin, TemplateView):
    """Assurance: review compliance across regions, as counts (opening a record needs a recorded reason)."""

    template_name = "reviews/assurance_dashboard.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if acting_user(request).role != Role.ASSURANCE_LEAD:
            raise PermissionDenied("Only assurance leads see the national dashboards.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pending = Review.objects.filter(status__in=PENDING_STATUSES)
        context["by_region"] = list(
            pending.values("case__region__name")
            .annotate(
                due=Count("id", filter=Q(status=ReviewStatus.DUE)),
                overdue=Count("id", filter=Q(status=ReviewStatus.OVERDUE)),
                scheduled=Count("id", filter=Q(status=ReviewStatus.SCHEDULED)),
            )
            .order_by("case__region__name")
        )
        context["by_kind"] = [
            (ReviewKind(row["kind"]).label, row["overdue"])
            for row in pending.values("kind")
            .annotate(overdue=Count("id", filter=Q(status=ReviewStatus.OVERDUE)))
            .order_by("kind")
        ]
        context["repeat_by_region"] = list(
            Case.objects.values("region__name")
            .annotate(
                repeat=Count("referrals", filter=Q(referrals__previous_referral_count__gt=0)),
                referral_count=Count("referrals"),
            )
            .order_by("region__name")
        )
        return context
