"""Channel panel pages for the chair (and, read-only, invited members): meetings, agenda, attendance, minutes,
the VAF, the panel decision, consent and closure. Each POST calls exactly one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from casework.accounts.models import Role, User
from casework.core.errors import DomainError, PermissionDenied
from casework.core.forms import set_choices
from casework.core.web import ServiceFormView, field_for_error
from casework.panels import services
from casework.panels.forms import (
    AgendaAddForm,
    AttendanceForm,
    CloseForm,
    ConsentForm,
    ConsentWithdrawForm,
    InviteForm,
    MeetingScheduleForm,
    MinutesForm,
    PanelDecideForm,
    VafForm,
)
from casework.panels.models import Meeting, MeetingStatus
from casework.panels.policies import MeetingAction, MeetingPolicy, PanelPolicy
from casework.referrals.models import Case
from casework.referrals.policies import CasePolicy
from casework.referrals.states import CHANNEL_OPEN_STATUSES, CaseStatus
from casework.referrals.web import CaseFormView, CasePageView, acting_user


def _user(request: HttpRequest) -> User:
    return acting_user(request)


class MeetingListView(LoginRequiredMixin, TemplateView):
    template_name = "panels/meeting_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _user(self.request)
        meetings = MeetingPolicy.visible_to(user).select_related("panel").order_by("-date").prefetch_related("agenda")
        context["meetings"] = meetings[:50]
        context["can_schedule"] = any(PanelPolicy.can_schedule(user, p) for p in PanelPolicy.visible_to(user))
        return context


class MeetingScheduleView(ServiceFormView):
    form_class = MeetingScheduleForm
    heading = "Schedule a panel meeting"
    submit_label = "Schedule meeting"
    success_message = "Meeting scheduled"

    def load(self) -> None:
        user = _user(self.request)
        self.panel = next(
            (p for p in PanelPolicy.visible_to(user).order_by("kind") if PanelPolicy.can_schedule(user, p)), None
        )

    def allowed(self) -> bool:
        return self.panel is not None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse("panels:meeting-list")
        context["caption"] = self.panel.name if self.panel else ""
        return context

    def perform(self, form: forms.Form) -> Any:
        assert self.panel is not None
        return services.meeting_schedule(
            actor=_user(self.request),
            panel=self.panel,
            date=form.cleaned_data["date"],
            location=form.cleaned_data["location"],
        )

    def success_url_for(self, result: Any) -> str:
        return reverse("panels:meeting-detail", args=[result.pk])


def _meeting(request: HttpRequest, meeting_id: Any) -> Meeting:
    meeting = (
        MeetingPolicy.visible_to(_user(request)).select_related("panel__local_authority").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise Http404("No meeting with that id.")
    return meeting


def _agenda_candidates(user: User, meeting: Meeting) -> list[tuple[str, str]]:
    cases = (
        CasePolicy.visible_to(user)
        .filter(
            local_authority_id=meeting.panel.local_authority_id,
            status__in=[CaseStatus.AWAITING_PANEL, *CHANNEL_OPEN_STATUSES],
        )
        .exclude(agenda_items__meeting=meeting)
        .select_related("person")
        .order_by("opened_at")
    )
    return [
        ("", "Choose a case"),
        *((str(c.pk), f"{c.reference}: {c.person.full_name} ({c.get_status_display()})") for c in cases),
    ]


def _invite_candidates(meeting: Meeting) -> list[tuple[str, str]]:
    members = (
        User.objects.filter(role=Role.PANEL_MEMBER, is_active=True, local_authority_id=meeting.panel.local_authority_id)
        .exclude(meeting_invitations__meeting=meeting)
        .order_by("last_name")
    )
    return [
        ("", "Choose a panel member"),
        *((str(u.pk), f"{u.display_name} ({u.agency or 'agency not set'})") for u in members),
    ]


class MeetingDetailView(LoginRequiredMixin, View):
    """The meeting: agenda builder, invitations, attendance and per-case minutes (chair); read-only for members."""

    def context(self, request: HttpRequest, meeting: Meeting, **bound: Any) -> dict[str, Any]:
        user = _user(request)
        manage = MeetingPolicy.can(user, MeetingAction.MANAGE, meeting)
        agenda = list(meeting.agenda.select_related("case__person").order_by("position"))
        invitations = list(meeting.invitations.select_related("user").order_by("name"))
        attendance = bound.get("attendance_form") or AttendanceForm(
            initial={"attended": [str(i.user_id) for i in invitations if i.attended and i.user_id]}
        )
        set_choices(
            attendance, "attended", [(str(i.user_id), f"{i.name} ({i.agency})") for i in invitations if i.user_id]
        )
        agenda_form = bound.get("agenda_form") or AgendaAddForm()
        set_choices(agenda_form, "case", _agenda_candidates(user, meeting))
        invite_form = bound.get("invite_form") or InviteForm()
        set_choices(invite_form, "user", _invite_candidates(meeting))
        minutes_forms = []
        for item in agenda:
            form = bound.get("minutes_form") if bound.get("minutes_case") == str(item.case_id) else None
            minutes_forms.append(
                (
                    item,
                    form
                    or MinutesForm(
                        initial={"case": str(item.case_id), "minutes": item.minutes}, prefix=f"m{item.position}"
                    ),
                )
            )
        errors = [
            f
            for f in (bound.get(k) for k in ("agenda_form", "invite_form", "attendance_form", "minutes_form"))
            if f is not None
        ]
        return {
            "meeting": meeting,
            "manage": manage,
            "agenda": agenda,
            "invitations": invitations,
            "agenda_form": agenda_form,
            "invite_form": invite_form,
            "attendance_form": attendance,
            "minutes_forms": minutes_forms,
            "error_form": errors[0] if errors else None,
            "page_error": bool(errors),
            "scheduled": meeting.status == MeetingStatus.SCHEDULED,
        }

    def get(self, request: HttpRequest, meeting_id: Any) -> HttpResponse:
        meeting = _meeting(request, meeting_id)
        return render(request, "panels/meeting_detail.html", self.context(request, meeting))


class MeetingActionView(LoginRequiredMixin, View):
    """A POST from the meeting page: parse one form, call one service, back to the meeting."""

    form_key = ""
    success_message = ""

    def make_form(self, request: HttpRequest, meeting: Meeting) -> forms.Form:
        raise NotImplementedError

    def perform(self, request: HttpRequest, meeting: Meeting, form: forms.Form) -> Any:
        raise NotImplementedError

    def post(self, request: HttpRequest, meeting_id: Any) -> HttpResponse:
        meeting = _meeting(request, meeting_id)
        if not MeetingPolicy.can(_user(request), MeetingAction.MANAGE, meeting):
            raise DjangoPermissionDenied("Only the panel chair can change a meeting.")
        form = self.make_form(request, meeting)
        if form.is_valid():
            try:
                self.perform(request, meeting, form)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(field_for_error(form, exc.field), exc.message)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(reverse("panels:meeting-detail", args=[meeting.pk]))
        extra: dict[str, Any] = {self.form_key: form}
        if isinstance(form, MinutesForm):
            extra["minutes_case"] = form.data.get(f"{form.prefix}-case")
        return render(request, "panels/meeting_detail.html", MeetingDetailView().context(request, meeting, **extra))


class MeetingAgendaAddView(MeetingActionView):
    form_key = "agenda_form"
    success_message = "Case added to the agenda"

    def make_form(self, request: HttpRequest, meeting: Meeting) -> forms.Form:
        form = AgendaAddForm(request.POST)
        set_choices(form, "case", _agenda_candidates(_user(request), meeting))
        return form

    def perform(self, request: HttpRequest, meeting: Meeting, form: forms.Form) -> Any:
        case = CasePolicy.visible_to(_user(request)).get(pk=form.cleaned_data["case"])
        return services.meeting_add_case(actor=_user(request), meeting=meeting, case=case)


class MeetingInviteView(MeetingActionView):
    form_key = "invite_form"
    success_message = "Member invited"

    def make_form(self, request: HttpRequest, meeting: Meeting) -> forms.Form:
        form = InviteForm(request.POST)
        set_choices(form, "user", _invite_candidates(meeting))
        return form

    def perform(self, request: HttpRequest, meeting: Meeting, form: forms.Form) -> Any:
        member = User.objects.get(pk=form.cleaned_data["user"])
        return services.meeting_invite(
            actor=_user(request), meeting=meeting, user=member, agency=form.cleaned_data["agency"]
        )


class MeetingAttendanceView(MeetingActionView):
    form_key = "attendance_form"
    success_message = "Attendance recorded"

    def make_form(self, request: HttpRequest, meeting: Meeting) -> forms.Form:
        form = AttendanceForm(request.POST)
        set_choices(
            form, "attended", [(str(i.user_id), i.name) for i in meeting.invitations.filter(user__isnull=False)]
        )
        return form

    def perform(self, request: HttpRequest, meeting: Meeting, form: forms.Form) -> Any:
        return services.meeting_record_attendance(
            actor=_user(request), meeting=meeting, attended_user_ids=[int(u) for u in form.cleaned_data["attended"]]
        )


class MeetingMinutesView(MeetingActionView):
    form_key = "minutes_form"
    success_message = "Minutes recorded"

    def make_form(self, request: HttpRequest, meeting: Meeting) -> forms.Form:
        prefix = next((k.split("-")[0] for k in request.POST if k.endswith("-case")), "m")
        return MinutesForm(request.POST, prefix=prefix)

    def perform(self, request: HttpRequest, meeting: Meeting, form: forms.Form) -> Any:
        case = CasePolicy.visible_to(_user(request)).filter(pk=form.cleaned_data["case"]).first()
        if case is None:
            raise Http404("No case with that id.")
        return services.meeting_record_minutes(
            actor=_user(request), meeting=meeting, case=case, minutes=form.cleaned_data["minutes"]
        )


class CasePanelView(CasePageView):
    template_name = "panels/case_panel.html"
    case_tab = "panel"

    def tab_context(self, case: Case) -> dict[str, Any]:
        return {
            "agenda_items": case.agenda_items.select_related("meeting__panel").order_by("-meeting__date"),
            "vafs": case.vaf_assessments.select_related("assessed_by")
            .prefetch_related("factors")
            .order_by("-assessed_at"),
            "decisions": case.panel_decisions.order_by("-created_at"),
            "consents": case.consents.order_by("-created_at"),
        }


def _case_meetings(user: User, case: Case) -> list[tuple[str, str]]:
    meetings = MeetingPolicy.visible_to(user).filter(agenda__case=case).order_by("-date")
    return [("", "Not at a meeting"), *((str(m.pk), f"{m.date:%-d %B %Y}") for m in meetings)]


class _AtAMeetingFormView(CaseFormView):
    """A case form with a "meeting" choice: the meetings the user may see that had this case on the agenda."""

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = (form_class or self.get_form_class())(**self.get_form_kwargs())
        choices = _case_meetings(_user(self.request), self.case)
        set_choices(form, "meeting", choices)
        if not form.is_bound and len(choices) > 1:
            form.initial.setdefault("meeting", choices[1][0])  # the latest meeting with this case on its agenda
        return form

    def chosen_meeting(self, form: forms.Form) -> Meeting | None:
        meeting_id = form.cleaned_data["meeting"]
        return _meeting(self.request, meeting_id) if meeting_id else None


class CaseVafView(_AtAMeetingFormView):
    form_class = VafForm
    action_url_name = "panels:case-vaf"
    heading = "Vulnerability assessment (VAF)"
    submit_label = "Save VAF"
    success_message = "VAF recorded"
    case_tab = "panel"

    def perform(self, form: forms.Form) -> Any:
        assert isinstance(form, VafForm)
        meeting = self.chosen_meeting(form)
        return services.vaf_record(
            actor=_user(self.request),
            case=self.case,
            factors=form.factors(),
            summary=form.cleaned_data["summary"],
            meeting=meeting,
        )


class CaseDecideView(_AtAMeetingFormView):
    form_class = PanelDecideForm
    action_url_name = "panels:case-decide"
    heading = "Record the panel decision"
    submit_label = "Record decision"
    success_message = "Panel decision recorded"
    case_tab = "panel"

    def perform(self, form: forms.Form) -> Any:
        assert isinstance(form, PanelDecideForm)
        d = form.cleaned_data
        meeting = self.chosen_meeting(form)
        return services.panel_decide(
            actor=_user(self.request),
            case=self.case,
            decision=d["decision"],
            rationale=d["rationale"],
            not_adopted_outcome=d["not_adopted_outcome"],
            meeting=meeting,
            handover=form.handover(),
            expected_version=self.case.version,
        )


class CaseConsentView(CaseFormView):
    form_class = ConsentForm
    action_url_name = "panels:case-consent"
    heading = "Record consent"
    submit_label = "Record consent"
    success_message = "Consent recorded"
    case_tab = "panel"

    def perform(self, form: forms.Form) -> Any:
        d = form.cleaned_data
        return services.consent_record(
            actor=_user(self.request),
            case=self.case,
            status=d["status"],
            given_by=d["given_by"],
            given_by_name=d["given_by_name"],
            decided_on=d["decided_on"],
            notes=d["notes"],
            expected_version=self.case.version,
        )


class CaseCloseView(CaseFormView):
    form_class = CloseForm
    action_url_name = "panels:case-close"
    heading = "Close the Channel case"
    submit_label = "Close case"
    success_message = "Case closed: post-closure reviews scheduled"
    warning = True

    def perform(self, form: forms.Form) -> Any:
        return services.case_close(
            actor=_user(self.request),
            case=self.case,
            reason=form.cleaned_data["reason"],
            rationale=form.cleaned_data["rationale"],
            expected_version=self.case.version,
        )


class CaseConsentWithdrawView(CaseFormView):
    """Channel support is voluntary: a withdrawal ends it (the case closes or becomes a police-led partnership)."""

    form_class = ConsentWithdrawForm
    action_url_name = "panels:case-consent-withdraw"
    heading = "Record that consent was withdrawn"
    submit_label = "Record withdrawal"
    success_message = "Consent withdrawal recorded"
    case_tab = "panel"
    warning = True

    def perform(self, form: forms.Form) -> Any:
        d = form.cleaned_data
        return services.consent_withdraw(
            actor=_user(self.request),
            case=self.case,
            withdrawn_on=d["withdrawn_on"],
            notes=d["notes"],
            next_step=d["next_step"],
            expected_version=self.case.version,
        )
