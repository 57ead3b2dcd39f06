from django.contrib import admin
from django.urls import include, path

from casework.api.routes import api
from casework.core.views import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("casework.accounts.urls")),
    path("", home, name="home"),
]
