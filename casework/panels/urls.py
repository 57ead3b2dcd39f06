from django.urls import path

from casework.panels import views

app_name = "panels"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/schedule/", views.MeetingScheduleView.as_view(), name="meeting-schedule"),
    path("meetings/<uuid:meeting_id>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<uuid:meeting_id>/agenda/", views.MeetingAgendaAddView.as_view(), name="meeting-agenda-add"),
    path("meetings/<uuid:meeting_id>/invite/", views.MeetingInviteView.as_view(), name="meeting-invite"),
    path("meetings/<uuid:meeting_id>/attendance/", views.MeetingAttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<uuid:meeting_id>/minutes/", views.MeetingMinutesView.as_view(), name="meeting-minutes"),
    path("cases/<uuid:case_id>/panel/", views.CasePanelView.as_view(), name="case-panel"),
    path("cases/<uuid:case_id>/vaf/", views.CaseVafView.as_view(), name="case-vaf"),
    path("cases/<uuid:case_id>/panel-decision/", views.CaseDecideView.as_view(), name="case-decide"),
    path("cases/<uuid:case_id>/consent/", views.CaseConsentView.as_view(), name="case-consent"),
    path(
        "cases/<uuid:case_id>/consent/withdraw/", views.CaseConsentWithdrawView.as_view(), name="case-consent-withdraw"
    ),
    path("cases/<uuid:case_id>/close/", views.CaseCloseView.as_view(), name="case-close"),
]
