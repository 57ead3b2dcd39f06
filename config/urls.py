from django.contrib import admin
from django.urls import include, path

import casework.api.assurance
import casework.api.v1  # noqa: F401  (registers the v1 operations on the API object)
from casework.api.base import api
from casework.core.views import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", home, name="home"),
]
