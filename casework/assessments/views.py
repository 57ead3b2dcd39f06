"""Screening and deconfliction, the PAF gateway assessment and decision, and the supervisor's countersignature."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.assessments import services
from casework.assessments.forms import AssessForm, CountersignForm, ScreenForm
from casework.referrals.models import Case
from casework.referrals.web import CaseFormView, CasePageView, acting_user


class CaseAssessmentsView(CasePageView):
    template_name = "assessments/case_assessments.html"
    case_tab = "assessments"

    def tab_context(self, case: Case) -> dict[str, Any]:
        return {
            "screenings": case.screenings.select_related("screened_by").order_by("-screened_at"),
            "assessments": case.assessments.select_related("decided_by", "countersigned_by", "policy_version")
            .prefetch_related("factors")
            .order_by("-number"),
            "handovers": case.handovers.order_by("-handed_over_on"),
        }


class _TriageFormView(CaseFormView):
    """Screening and the gateway decision are made with the case's referrals and the person's earlier cases
    in view, so no referral is judged alone."""

    template_name = "assessments/case_screen.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["referrals"] = self.case.referrals.order_by("-received_at")
        context["earlier_cases"] = self.case.person.cases.exclude(pk=self.case.pk).order_by("-opened_at")
        return context


class CaseScreenView(_TriageFormView):
    form_class = ScreenForm
    action_url_name = "assessments:case-screen"
    heading = "Screen and deconflict the referral"
    submit_label = "Save screening"
    success_message = "Screening recorded"

    def perform(self, form: forms.Form) -> Any:
        return services.case_screen(
            actor=acting_user(self.request),
            case=self.case,
            expected_version=self.case.version,
            **form.cleaned_data,
        )


class CaseAssessView(_TriageFormView):
    form_class = AssessForm
    action_url_name = "assessments:case-assess"
    heading = "Gateway assessment (PAF) and decision"
    submit_label = "Record decision"
    success_message = "Assessment and decision recorded"

    def perform(self, form: forms.Form) -> Any:
        assert isinstance(form, AssessForm)
        return services.case_assess(
            actor=acting_user(self.request),
            case=self.case,
            expected_version=self.case.version,
            **form.service_kwargs(),
        )


class CaseCountersignView(CaseFormView):
    form_class = CountersignForm
    action_url_name = "assessments:case-countersign"
    heading = "Countersign the gateway decision"
    submit_label = "Save"
    success_message = "Countersignature recorded"
    template_name = "assessments/case_countersign.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["assessment"] = self.case.assessments.select_related("decided_by").order_by("-number").first()
        return context

    def perform(self, form: forms.Form) -> Any:
        return services.case_countersign(
            actor=acting_user(self.request),
            case=self.case,
            approve=form.cleaned_data["approve"] == "yes",
            note=form.cleaned_data["note"],
            expected_version=self.case.version,
        )
