"""Interface helpers for HTML views: translate domain errors into GOV.UK pages. A view parses input with a form,
calls exactly one service in `perform`, and on a `DomainError` shows its message in the error summary (linked to
the field the service names) having changed nothing: the service's transaction has rolled back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.views import View
from django.views.generic import FormView

from casework.core.errors import DomainError, NotFound, PermissionDenied
from casework.core.forms import GovukForm


def field_for_error(form: forms.Form, service_field: str | None) -> str | None:
    """The form field that shows a service's error about `service_field`, or None for the summary only."""
    if isinstance(form, GovukForm):
        return form.field_for_error(service_field)
    name = (service_field or "").replace(".", "_")
    return name if name in form.fields else None


class DomainErrorsMixin(View):
    """A missing or invisible object is a 404; a forbidden action a 403 (never a half-done change)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc


class ServiceFormView(LoginRequiredMixin, DomainErrorsMixin, FormView[forms.Form]):
    """GET shows the form; a valid POST calls `perform` (exactly one service) and redirects with a success banner."""

    template_name = "core/form_page.html"
    heading = ""
    submit_label = "Save"
    success_message = ""
    warning = False

    def load(self) -> None:
        """Fetch the objects the page acts on through permission-checked selectors (raises NotFound)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.load()
        except NotFound as exc:
            raise Http404(exc.message) from exc
        if not self.allowed():
            raise DjangoPermissionDenied("You cannot do this now.")
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return True

    def perform(self, form: forms.Form) -> Any:
        raise NotImplementedError

    def success_url_for(self, result: Any) -> str:
        raise NotImplementedError

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            result = self.perform(form)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(field_for_error(form, exc.field), exc.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.success_url_for(result))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("heading", self.heading)
        context.setdefault("submit_label", self.submit_label)
        context.setdefault("warning", self.warning)
        form = context.get("form")
        context["page_error"] = bool(form is not None and form.is_bound and form.errors)
        return context
