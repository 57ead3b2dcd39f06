"""Referral and case pages. Views parse input, read through the policy-checked selectors and call one service."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from casework.accounts.models import LocalAuthority, User
from casework.core.errors import DomainError, PermissionDenied
from casework.people.models import MatchProposal
from casework.people.policies import PersonPolicy
from casework.referrals import services
from casework.referrals.forms import SORTS, ConcernStepForm, PersonStepForm, ReferrerStepForm, TriageFilterForm
from casework.referrals.models import Case, Referral
from casework.referrals.policies import CaseAction, CasePolicy
from casework.referrals.selectors import case_list, referral_get_for_user
from casework.referrals.states import CaseStatus
from casework.referrals.web import CasePageView, acting_user

DRAFT = "referral_draft"
RECEIPT = "referral_receipt"
STEPS: list[tuple[str, str, type]] = [
    ("person", "About the person you are worried about", PersonStepForm),
    ("concern", "Your concern", ConcernStepForm),
    ("referrer", "About you", ReferrerStepForm),
]
STEP_NAMES = [s[0] for s in STEPS]


def _draft(request: HttpRequest) -> dict[str, dict[str, Any]]:
    draft: dict[str, dict[str, Any]] = request.session.get(DRAFT, {})
    return draft


def _bound(step: str, data: dict[str, Any]) -> Any:
    form_class = {s[0]: s[2] for s in STEPS}[step]
    return form_class(data=data, prefix=None)


class ReferralStartView(TemplateView):
    template_name = "referrals/start.html"


class ReferralStepView(View):
    """One page of the national referral form. Answers are kept in the session until the referrer confirms them
    on the check-your-answers page; nothing is stored as a referral before that."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.step = kwargs["step"]
        if self.step not in STEP_NAMES:
            raise Http404("No such step.")
        self.index = STEP_NAMES.index(self.step)
        self.heading = STEPS[self.index][1]
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        back = (
            reverse("referrals:referral-start")
            if self.index == 0
            else reverse("referrals:referral-step", args=[STEP_NAMES[self.index - 1]])
        )
        return render(
            request,
            "referrals/step.html",
            {
                "form": form,
                "heading": self.heading,
                "back_url": back,
                "page_error": form.is_bound and bool(form.errors),
                "step_number": self.index + 1,
                "step_count": len(STEPS),
            },
        )

    def get(self, request: HttpRequest, step: str) -> HttpResponse:
        data = _draft(request).get(step)
        form = _bound(step, data) if data else STEPS[self.index][2]()
        if data:
            form.is_valid()
            form.errors.clear()  # show saved answers without shouting about them
        return self._render(request, form)

    def post(self, request: HttpRequest, step: str) -> HttpResponse:
        form = _bound(step, request.POST)
        if not form.is_valid():
            return self._render(request, form)
        draft = _draft(request)
        draft[step] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        request.session[DRAFT] = draft
        if request.GET.get("change") or self.index == len(STEPS) - 1:
            return HttpResponseRedirect(reverse("referrals:referral-check"))
        return HttpResponseRedirect(reverse("referrals:referral-step", args=[STEP_NAMES[self.index + 1]]))


def _answers(request: HttpRequest) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The cleaned answers of every step, or the first step that is missing or no longer valid."""
    draft = _draft(request)
    cleaned: dict[str, dict[str, Any]] = {}
    for step in STEP_NAMES:
        if step not in draft:
            return cleaned, step
        form = _bound(step, draft[step])
        if not form.is_valid():
            return cleaned, step
        cleaned[step] = form.cleaned_data
    return cleaned, None


def _summary(cleaned: dict[str, dict[str, Any]]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    sections = []
    for step, heading, form_class in STEPS:
        form = form_class()
        rows = []
        for name, field in form.fields.items():
            value = cleaned[step].get(name)
            if hasattr(field, "choices") and not isinstance(value, LocalAuthority):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            if isinstance(value, dt.date):
                value = value.strftime("%-d %B %Y")
            rows.append(
                (
                    str(field.label),
                    "" if value in (None, "") else str(value),
                    reverse("referrals:referral-step", args=[step]) + "?change=1#id_" + name,
                )
            )
        sections.append((heading, rows))
    return sections


class ReferralCheckView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        cleaned, missing = _answers(request)
        if missing:
            return HttpResponseRedirect(reverse("referrals:referral-step", args=[missing]))
        return render(request, "referrals/check.html", {"sections": _summary(cleaned)})

    def post(self, request: HttpRequest) -> HttpResponse:
        cleaned, missing = _answers(request)
        if missing:
            return HttpResponseRedirect(reverse("referrals:referral-step", args=[missing]))
        person, concern, referrer = cleaned["person"], cleaned["concern"], cleaned["referrer"]
        description = {k: v for k, v in person.items() if k != "aliases"}
        description["aliases"] = [a.strip() for a in person.get("aliases", "").split(",") if a.strip()]
        try:
            referral = services.referral_submit(
                actor=request.user if request.user.is_authenticated else None,
                person_description=description,
                local_authority=concern["local_authority"],
                concern=concern["concern"],
                urgency=concern["urgency"],
                immediate_risk=concern["immediate_risk"] == "yes",
                immediate_risk_details=concern.get("immediate_risk_details", ""),
                **referrer,
            )
        except DomainError as exc:
            return render(
                request,
                "referrals/check.html",
                {"sections": _summary(cleaned), "errors": [exc.message], "page_error": True},
            )
        request.session.pop(DRAFT, None)
        received = timezone.localtime(referral.received_at)
        request.session[RECEIPT] = {"reference": referral.reference, "received_at": f"{received:%-d %B %Y, %H:%M}"}
        return HttpResponseRedirect(reverse("referrals:referral-sent"))


class ReferralSentView(View):
    """The receipt: the referrer sees the reference and nothing of what follows."""

    def get(self, request: HttpRequest) -> HttpResponse:
        receipt = request.session.get(RECEIPT)
        if not receipt:
            return HttpResponseRedirect(reverse("referrals:referral-start"))
        return render(request, "referrals/sent.html", {"receipt": receipt})


URGENCY_RANK = models.Case(
    When(urgency="immediate", then=Value(3)),
    When(urgency="urgent", then=Value(2)),
    default=Value(1),
    output_field=models.IntegerField(),
)


class CaseListView(LoginRequiredMixin, TemplateView):
    """The Prevent officer's triage queue (and every role's list of the cases it may see)."""

    template_name = "referrals/case_list.html"
    per_page = 25

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        form = TriageFilterForm(self.request.GET or None)
        filters: dict[str, str] = form.cleaned_data if form.is_valid() else {}
        latest = Referral.objects.filter(case=OuterRef("pk")).order_by("-received_at")
        cases = (
            case_list(user=user, filters={"status": filters.get("status") or None})
            .annotate(
                urgency=Subquery(latest.values("urgency")[:1]),
                repeat=Exists(Referral.objects.filter(case=OuterRef("pk"), previous_referral_count__gt=0)),
            )
            .annotate(urgency_rank=URGENCY_RANK)
        )
        if filters.get("urgency"):
            cases = cases.filter(urgency=filters["urgency"])
        if filters.get("repeat"):
            cases = cases.filter(repeat=filters["repeat"] == "yes")
        if filters.get("older_than"):
            cases = cases.filter(opened_at__lt=timezone.now() - dt.timedelta(days=int(filters["older_than"])))
        sort = filters.get("sort") or "-opened"
        cases = cases.order_by(SORTS.get(sort, "-opened_at"), "-opened_at")
        page = Paginator(cases, self.per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        headers = []
        for key, label in (("reference", "Case"), ("status", "Status"), ("urgency", "Urgency"), ("opened", "Opened")):
            current = sort.lstrip("-") == key
            descending = current and sort.startswith("-")
            next_sort = key if (current and descending) else f"-{key}" if current else key
            aria = ("descending" if descending else "ascending") if current else "none"
            headers.append(
                {
                    "label": label,
                    "aria": aria,
                    "href": f"?{query.urlencode()}&sort={next_sort}" if query else f"?sort={next_sort}",
                }
            )
        context.update(
            {
                "form": form,
                "page": page,
                "headers": headers,
                "query": query.urlencode(),
                "now": timezone.now(),
                "total": page.paginator.count,
            }
        )
        return context


class CaseDetailView(CasePageView):
    template_name = "referrals/case_detail.html"
    case_tab = "summary"

    def tab_context(self, case: Case) -> dict[str, Any]:
        return {
            "possible_matches": possible_matches(acting_user(self.request), case),
            "referrals": case.referrals.select_related("description").order_by("received_at"),
            "history": case.status_history.select_related("actor").order_by("-changed_at", "-id"),
        }


def possible_matches(user: User, case: Case) -> list[dict[str, Any]]:
    """People the matcher proposes for this case's referrals, while the officer may still decide (before the
    gateway decision). Outside the officer's scope a candidate is shown without identifying details."""
    if case.status not in (CaseStatus.SCREENING, CaseStatus.ASSESSMENT) or not CasePolicy.can(
        user, CaseAction.SCREEN, case
    ):
        return []
    visible = set(PersonPolicy.visible_to(user).values_list("pk", flat=True))
    rows = []
    proposals = MatchProposal.objects.filter(description__referral__case=case, status="proposed").select_related(
        "candidate", "description__referral"
    )
    for p in proposals:
        if p.candidate_id == case.person_id:
            continue
        in_scope = p.candidate_id in visible
        rows.append(
            {
                "referral": p.description.referral,
                "person_id": p.candidate_id,
                "probability": round(100 * p.probability),
                "explanation": p.explanation,
                "in_scope": in_scope,
                "name": p.candidate.full_name if in_scope else "",
                "date_of_birth": p.candidate.date_of_birth if in_scope else None,
            }
        )
    return rows


class MatchDecisionView(LoginRequiredMixin, View):
    """An officer decides whether a proposed person is the one referred: matching proposes, a person decides."""

    same_person = True

    def post(self, request: HttpRequest, referral_id: Any) -> HttpResponse:
        user = acting_user(request)
        try:
            referral = referral_get_for_user(user=user, referral_id=referral_id)
        except DomainError as exc:
            raise Http404(exc.message) from exc
        try:
            person_id = uuid.UUID(request.POST.get("person_id", ""))
        except ValueError:
            raise Http404("No such proposed person for this referral.") from None
        proposal = MatchProposal.objects.filter(description=referral.description, candidate_id=person_id).first()
        if proposal is None:
            raise Http404("No such proposed person for this referral.")
        reason = request.POST.get("reason", "").strip()
        back = reverse("referrals:case-detail", args=[referral.case_id])
        try:
            if self.same_person:
                linked = services.referral_link_person(
                    actor=user, referral=referral, person=proposal.candidate, reason=reason
                )
            else:
                services.referral_reject_match(actor=user, referral=referral, person=proposal.candidate, reason=reason)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(back)
        if self.same_person:
            messages.success(request, "Linked: the referral is now about the existing person")
            if CasePolicy.visible_to(user).filter(pk=linked.case_id).exists():
                return HttpResponseRedirect(reverse("referrals:case-detail", args=[linked.case_id]))
            return HttpResponseRedirect(reverse("home"))
        messages.success(request, "Recorded: not the same person")
        return HttpResponseRedirect(back)


class ReferralLinkView(MatchDecisionView):
    same_person = True


class ReferralRejectMatchView(MatchDecisionView):
    same_person = False
