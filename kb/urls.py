"""URL configuration: the admin, the API and the reader-facing pages."""

from django.contrib import admin
from django.urls import include, path

from glossary import views

urlpatterns = [
    path("", views.home, name="home"),
    path("api/v1/", include("glossary.api.urls")),
    path("admin/", admin.site.urls),
]
