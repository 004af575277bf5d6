"""Pages for readers, and the sitemap search engines read."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import RedirectView

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}glossary/favicon.svg"),
    ),
    path("concepts/", views.concept_list, name="concept-list"),
    path("concepts/<slug:slug>/", views.concept_detail, name="concept-detail"),
    path("episodes/", views.episode_list, name="episode-list"),
    path("episodes/<slug:slug>/", views.episode_detail, name="episode-detail"),
    path("search/", views.search, name="search"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
