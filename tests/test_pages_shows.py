"""Several shows share one glossary: a concept lists where each show said it."""

import re

from django.test import TestCase, override_settings
from django.urls import reverse

from glossary.models import GlossaryVersion
from tests.factories import cite_everywhere, make_episode, make_show, make_term


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


class SiteNameTests(TestCase):
    """Pages name the site after its show, or after the publisher with several."""

    def title_of(self, url="/concepts/"):
        page = self.client.get(url).content.decode()
        return re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)

    @override_settings(KB_SHOW_NAME="First Light")
    def test_before_any_show_the_site_takes_the_first_shows_default_name(self):
        assert self.title_of() == "Concepts A–Z · First Light glossary"

    def test_one_show_names_the_site(self):
        make_show("Go Time")
        assert self.title_of() == "Concepts A–Z · Go Time glossary"

    def test_several_shows_take_the_site_name(self):
        make_show("Go Time")
        make_show("Brain Science")
        assert self.title_of() == "Concepts A–Z · Podcast glossary"

    @override_settings(KB_SITE_NAME="Changelog glossary")
    def test_the_site_name_when_set_names_the_site_whatever_the_shows(self):
        make_show("Go Time")
        assert self.title_of() == "Concepts A–Z · Changelog glossary"
        make_show("Brain Science")
        assert self.title_of() == "Concepts A–Z · Changelog glossary"

    def test_the_home_page_says_which_shows_its_concepts_come_from(self):
        make_show("Go Time")
        make_show("Brain Science")
        page = self.client.get("/").content.decode()
        assert "concepts from Brain Science and Go Time</h1>" in page

    def test_a_renamed_show_renames_the_site_on_the_next_page(self):
        show = make_show("Go Time")
        assert self.title_of() == "Concepts A–Z · Go Time glossary"
        show.title = "Go Time FM"
        show.save()
        assert self.title_of() == "Concepts A–Z · Go Time FM glossary"

    def test_names_the_shows_without_a_query_once_read(self):
        make_show("Go Time")
        self.client.get("/concepts/")
        with self.assertNumQueries(2):
            self.client.get("/concepts/")

    def test_a_new_show_moves_the_glossary_version_the_api_caches_by(self):
        before = GlossaryVersion.objects.current()
        with self.captureOnCommitCallbacks(execute=True):
            make_show("Go Time")
        assert GlossaryVersion.objects.current() != before
