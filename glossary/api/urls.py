"""/api/v1/: the API's routes (namespace "api"); anything else under it is a
JSON 404. New endpoints go before the last route."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from .errors import api_not_found
from .jobs import JobView
from .link import LinkView
from .views import (
    ApiRootView,
    EpisodeViewSet,
    GlossaryJsonLdView,
    TermViewSet,
    TranscriptUploadView,
)

app_name = "api"

router = SimpleRouter()
router.register("terms", TermViewSet, basename="term")
router.register("episodes", EpisodeViewSet, basename="episode")

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    *router.urls,
    path("glossary.jsonld", GlossaryJsonLdView.as_view(), name="glossary-jsonld"),
    path("transcripts/", TranscriptUploadView.as_view(), name="transcript-upload"),
    path("link/", LinkView.as_view(), name="link"),
    path("jobs/<int:pk>/", JobView.as_view(), name="job-detail"),
    re_path(r"", api_not_found),
]
