from django.urls import path

from casework.referrals import views

app_name = "referrals"

urlpatterns = [
    path("refer/", views.ReferralStartView.as_view(), name="referral-start"),
    path("refer/check/", views.ReferralCheckView.as_view(), name="referral-check"),
    path("refer/sent/", views.ReferralSentView.as_view(), name="referral-sent"),
    path("refer/<slug:step>/", views.ReferralStepView.as_view(), name="referral-step"),
    path("referrals/<uuid:referral_id>/link/", views.ReferralLinkView.as_view(), name="referral-link"),
    path(
        "referrals/<uuid:referral_id>/reject-match/",
        views.ReferralRejectMatchView.as_view(),
        name="referral-reject-match",
    ),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<uuid:case_id>/", views.CaseDetailView.as_view(), name="case-detail"),
]
