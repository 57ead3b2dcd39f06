"""The support plan: interventions, actions with owners and due dates, and progress notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from casework.accounts.models import Role, User
from casework.core.errors import DomainError
from casework.core.forms import set_choices
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, CasePolicy
from casework.referrals.selectors import case_get_for_user
from casework.referrals.web import CaseFormView, CasePageView, acting_user
from casework.support import services
from casework.support.forms import ActionForm, InterventionForm, NoteForm
from casework.support.models import InterventionType, SupportAction


def _user(request: HttpRequest) -> User:
    return acting_user(request)


class CasePlanView(CasePageView):
    template_name = "support/case_plan.html"
    case_tab = "support"

    def tab_context(self, case: Case) -> dict[str, Any]:
        user = _user(self.request)
        interventions = case.interventions.order_by("starts_on")
        notes = case.progress_notes.select_related("author", "intervention").order_by("-written_at")
        if user.role == Role.INTERVENTION_PROVIDER:
            # A provider sees the minimum: their own interventions and notes.
            interventions = interventions.filter(provider_user=user)
            notes = notes.filter(intervention__provider_user=user)
        types = dict(InterventionType.objects.values_list("code", "name"))
        return {
            "interventions": [(i, types.get(i.type, i.type)) for i in interventions],
            "support_actions": case.support_actions.order_by("done_at", "due_on"),
            "notes": notes,
            "can_complete_actions": CasePolicy.can(user, CaseAction.RECORD_PROGRESS, case),
        }


def _interventions(case: Case, user: User) -> list[tuple[str, str]]:
    items = case.interventions.filter(status__in=["planned", "active"])
    if user.role == Role.INTERVENTION_PROVIDER:
        items = items.filter(provider_user=user)
    return [("", "Not about one intervention"), *((str(i.pk), i.provider_name) for i in items)]


class InterventionAddView(CaseFormView):
    form_class = InterventionForm
    action_url_name = "support:intervention-add"
    heading = "Add an intervention"
    submit_label = "Add intervention"
    success_message = "Intervention added"
    case_tab = "support"

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = InterventionForm(**self.get_form_kwargs())
        set_choices(
            form,
            "type",
            [
                ("", "Choose a type"),
                *InterventionType.objects.filter(active=True).values_list("code", "name"),
            ],
        )
        set_choices(
            form,
            "provider_user",
            [
                ("", "No account"),
                *(
                    (str(u.pk), u.display_name)
                    for u in User.objects.filter(role=Role.INTERVENTION_PROVIDER, is_active=True).order_by("last_name")
                ),
            ],
        )
        return form

    def perform(self, form: forms.Form) -> Any:
        d = form.cleaned_data
        provider = User.objects.filter(pk=d["provider_user"]).first() if d["provider_user"] else None
        return services.intervention_add(
            actor=_user(self.request),
            case=self.case,
            type=d["type"],
            provider_name=d["provider_name"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            provider_user=provider,
            goals=d["goals"],
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("support:case-plan", args=[self.case.pk])


class ActionAddView(CaseFormView):
    form_class = ActionForm
    action_url_name = "support:action-add"
    heading = "Add an action"
    submit_label = "Add action"
    success_message = "Action added"
    case_tab = "support"

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = ActionForm(**self.get_form_kwargs())
        set_choices(form, "intervention", _interventions(self.case, _user(self.request)))
        return form

    def perform(self, form: forms.Form) -> Any:
        d = form.cleaned_data
        intervention = self.case.interventions.filter(pk=d["intervention"]).first() if d["intervention"] else None
        return services.support_action_add(
            actor=_user(self.request),
            case=self.case,
            description=d["description"],
            owner_name=d["owner_name"],
            due_on=d["due_on"],
            intervention=intervention,
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("support:case-plan", args=[self.case.pk])


class NoteAddView(CaseFormView):
    form_class = NoteForm
    action_url_name = "support:note-add"
    heading = "Add a progress note"
    submit_label = "Save note"
    success_message = "Progress note saved"
    case_tab = "support"

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = NoteForm(**self.get_form_kwargs())
        choices = _interventions(self.case, _user(self.request))
        if _user(self.request).role == Role.INTERVENTION_PROVIDER:
            # A provider writes only about their own intervention(s).
            choices = choices[1:]
            form.fields["intervention"].required = True
            form.fields["intervention"].error_messages["required"] = "Choose your intervention"
        set_choices(form, "intervention", choices)
        return form

    def perform(self, form: forms.Form) -> Any:
        d = form.cleaned_data
        intervention = self.case.interventions.filter(pk=d["intervention"]).first() if d["intervention"] else None
        return services.progress_note_add(
            actor=_user(self.request), case=self.case, text=d["text"], intervention=intervention
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("support:case-plan", args=[self.case.pk])


class ActionCompleteView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, action_id: Any) -> HttpResponse:
        action = SupportAction.objects.filter(pk=action_id).first()
        if action is None:
            raise Http404("No action with that id.")
        try:
            case = case_get_for_user(user=_user(request), case_id=action.case_id, audit=False)
        except DomainError as exc:
            raise Http404(exc.message) from exc
        try:
            services.support_action_complete(actor=_user(request), action=action)
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, "Action marked as done")
        return HttpResponseRedirect(reverse("support:case-plan", args=[case.pk]))
