"""/api/: the OpenAPI schema and its docs page; anything else is a JSON 404.

Included by kb/urls.py after /api/v1/. The docs page is Swagger UI served
from kb's own static files (drf-spectacular-sidecar), so it works without
internet under the site's Content Security Policy; the split view serves its
start-up script from this site too (`?script`), so no inline script needs
allowing.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .errors import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    re_path(r"", api_not_found),
]
