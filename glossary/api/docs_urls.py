"""/api/: the OpenAPI schema and its docs page; anything else is a JSON 404.

Included by kb/urls.py after /api/v1/. The docs page is Swagger UI loaded
from jsDelivr (drf-spectacular's sidecar package, which would serve it from
here, is not installed), so its view widens the Content Security Policy for
that one host; its start-up script is served from this site (`?script`), so
no inline script needs allowing.
"""

from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .errors import api_not_found

CDN = "https://cdn.jsdelivr.net"

docs = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
docs = csp_update({"script-src": [CDN], "style-src": [CDN], "img-src": [CDN]})(docs)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs, name="api-docs"),
    re_path(r"", api_not_found),
]
