from django.urls import path

from casework.support import views

app_name = "support"

urlpatterns = [
    path("cases/<uuid:case_id>/support/", views.CasePlanView.as_view(), name="case-plan"),
    path(
        "cases/<uuid:case_id>/support/interventions/add/", views.InterventionAddView.as_view(), name="intervention-add"
    ),
    path("cases/<uuid:case_id>/support/actions/add/", views.ActionAddView.as_view(), name="action-add"),
    path("cases/<uuid:case_id>/support/notes/add/", views.NoteAddView.as_view(), name="note-add"),
    path("actions/<uuid:action_id>/complete/", views.ActionCompleteView.as_view(), name="action-complete"),
]
