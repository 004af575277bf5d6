"""Several shows share one glossary: a concept lists where each show said it."""

from django.test import TestCase
from django.urls import reverse

from tests.factories import cite_everywhere, make_episode, make_term


class ConceptAcrossShowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("open source", short_definition="Code anyone may use.")
        for show, number in (("Go Time", 321), ("Brain Science", 25)):
            episode = make_episode(
                show=show,
                number=number,
                segments=[("Ann", 0.0, "We talk about open source today.")],
            )
            cite_everywhere(cls.term, episode, "open source")

    def test_a_concept_page_lists_its_episodes_of_every_show(self):
        response = self.client.get(reverse("concept-detail", args=[self.term.slug]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Go Time #321" in page
        assert "Brain Science #25" in page
