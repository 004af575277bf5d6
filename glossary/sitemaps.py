"""`/sitemap.xml`: every published concept and every episode, for search engines.

Each item's location is its `get_absolute_url()`, Django's default.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from .models import Episode, Term
from .selectors.episodes import sitemap_episodes
from .selectors.terms import sitemap_terms


class ConceptSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return sitemap_terms()

    def lastmod(self, item: Term):
        return item.updated_at


class EpisodeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return sitemap_episodes()

    def lastmod(self, item: Episode):
        return item.updated_at


SITEMAPS = {"concepts": ConceptSitemap, "episodes": EpisodeSitemap}
