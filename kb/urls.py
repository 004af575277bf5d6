"""URL configuration: the admin, the API and the reader-facing pages."""

from django.contrib import admin
from django.urls import include, path

from kb.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("glossary.api.urls")),
    # The OpenAPI schema and docs page; a JSON 404 for the rest of /api/.
    path("api/", include("glossary.api.docs_urls")),
    path("admin/", admin.site.urls),
    path("", include("glossary.urls")),
]

# JSON under /api/, Django's pages elsewhere.
handler400 = "glossary.api.errors.bad_request"
handler500 = "glossary.api.errors.server_error"
