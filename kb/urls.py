"""URL configuration: the admin, the API and the reader-facing pages."""

from django.contrib import admin
from django.urls import include, path

from kb.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("glossary.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("glossary.urls")),
]
