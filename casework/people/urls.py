from django.urls import path

from casework.people import views

app_name = "people"

urlpatterns = [
    path("people/<uuid:person_id>/", views.PersonDetailView.as_view(), name="person-detail"),
]
