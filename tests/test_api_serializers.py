"""The serializers' hand-written fast paths say exactly what DRF's own would.

Each serializer in `FAST_SERIALIZERS` builds its dict directly; here the same
rows go through DRF's generic, field-by-field `to_representation` too, and
the two must agree key for key, in order, so a field added to the class but
not to its fast path fails here rather than going missing from the API.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import RequestFactory, TestCase
from rest_framework import serializers
from rest_framework.request import Request

from glossary.api.serializers import (
    FAST_SERIALIZERS,
    AliasSerializer,
    CitationSerializer,
    EpisodeLinkSerializer,
    EpisodeTermSerializer,
    TermDetailSerializer,
    TermLinkSerializer,
    TermSerializer,
)
from glossary.selectors import episodes as episode_reads
from glossary.selectors import terms as term_reads
from glossary.selectors.citations import term_citations

from .test_api_terms import build_api_glossary


def generic(serializer: serializers.Serializer, instance: Any) -> str:
    """DRF's field-by-field rendering; nested serializers render their own way,
    and are each checked on their own below."""
    return json.dumps(serializers.Serializer.to_representation(serializer, instance))


class FastSerializerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.glossary = build_api_glossary()

    def setUp(self):
        request = Request(RequestFactory().get("/api/v1/terms/"))
        self.context = {"request": request}

    def assert_same(self, serializer_class, instances, **context):
        serializer = serializer_class(context={**self.context, **context})
        assert instances
        for instance in instances:
            fast = json.dumps(serializer.to_representation(instance))
            assert fast == generic(serializer, instance)

    def test_every_fast_serializer_is_checked_here(self):
        checked = {
            AliasSerializer,
            TermLinkSerializer,
            EpisodeLinkSerializer,
            CitationSerializer,
            TermSerializer,
            EpisodeTermSerializer,
        }
        assert set(FAST_SERIALIZERS) == checked

    def test_a_listed_term_and_its_labels_render_as_drf_would(self):
        terms = term_reads.attach_visible_aliases(list(term_reads.terms()))
        self.assert_same(TermSerializer, terms)
        self.assert_same(AliasSerializer, [a for t in terms for a in t.visible_aliases])

    def test_a_term_in_full_renders_as_drf_would(self):
        term = term_reads.term_detail(self.glossary.rlhf.slug)
        assert term.featured_citations and term.related_terms
        self.assert_same(TermDetailSerializer, [term])
        self.assert_same(TermLinkSerializer, term.related_terms)

    def test_citations_and_their_episode_render_as_drf_would(self):
        citations = list(term_citations(self.glossary.rlhf.pk))
        self.assert_same(CitationSerializer, citations)
        self.assert_same(EpisodeLinkSerializer, [c.episode for c in citations])

    def test_an_episodes_terms_render_as_drf_would(self):
        episode = episode_reads.episode_brief(self.glossary.episode.slug)
        items = episode_reads.episode_terms(episode)
        self.assert_same(EpisodeTermSerializer, items, episode=episode)
