"""`/sitemap.xml`: every published concept and every episode, for search engines."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors
from .models import Episode, Term


class ConceptSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return selectors.sitemap_concepts()

    def location(self, item: Term) -> str:
        return reverse("concept-detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Term):
        return item.updated_at


class EpisodeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return selectors.sitemap_episodes()

    def location(self, item: Episode) -> str:
        return reverse("episode-detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Episode):
        return item.updated_at


SITEMAPS = {"concepts": ConceptSitemap, "episodes": EpisodeSitemap}
