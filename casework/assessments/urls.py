from django.urls import path

from casework.assessments import views

app_name = "assessments"

urlpatterns = [
    path("cases/<uuid:case_id>/assessments/", views.CaseAssessmentsView.as_view(), name="case-assessments"),
    path("cases/<uuid:case_id>/screen/", views.CaseScreenView.as_view(), name="case-screen"),
    path("cases/<uuid:case_id>/assess/", views.CaseAssessView.as_view(), name="case-assess"),
    path("cases/<uuid:case_id>/countersign/", views.CaseCountersignView.as_view(), name="case-countersign"),
]
