from django.contrib import admin
from django.urls import include, path

from casework.api.routes import api
from casework.reviews.views import MyWorkView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("casework.accounts.urls")),
    path("", MyWorkView.as_view(), name="home"),
    # The caseworker service: one include per app, each with its own namespace.
    path("", include("casework.referrals.urls")),
    path("", include("casework.people.urls")),
    path("", include("casework.assessments.urls")),
    path("", include("casework.panels.urls")),
    path("", include("casework.support.urls")),
    path("", include("casework.reviews.urls")),
]
