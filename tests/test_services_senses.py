"""Label senses set by an editor: stored, checked, and followed by citations."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from glossary.models import Alias, Citation, LabelSense
from glossary.services.senses import alias_set_senses
from glossary.services.terms import term_create

from .admin_helpers import logged_in
from .factories import make_episode, make_term, make_user, new_glossary_version


def preferred(term) -> Alias:
    return Alias.objects.get(term=term, kind=Alias.Kind.PREFERRED)


class SensesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meta = make_term("Meta", slug="meta-platforms")
        cls.episode = make_episode(
            segments=[
                ("Ann", 0.0, "Meta-analysis shows it works."),
                ("Bob", 10.0, "Shares of Meta fell, said the meta narrative."),
            ]
        )

    def test_rules_on_the_preferred_label_refresh_its_citations(self):
        with self.captureOnCommitCallbacks(execute=True):
            alias_set_senses(
                alias=preferred(self.meta),
                case_sensitive=True,
                not_followed_by=["-analysis", "narrative"],
                not_sentence_start=True,
            )
        cited = Citation.objects.filter(term=self.meta)
        assert list(cited.values_list("surface", "segment__order")) == [("Meta", 1)]

    def test_two_terms_may_differ_only_by_case(self):
        alias_set_senses(alias=preferred(self.meta), case_sensitive=True)
        word = term_create(label="meta", short_definition="About itself.")
        assert word.pk != self.meta.pk
        assert Alias.objects.filter(normalized="meta").count() == 2

    def test_a_case_flag_that_would_clash_is_refused_naming_the_term(self):
        alias_set_senses(alias=preferred(self.meta), case_sensitive=True)
        term_create(label="meta", short_definition="About itself.")
        with pytest.raises(ValidationError, match="already names the term"):
            alias_set_senses(alias=preferred(self.meta), case_sensitive=False)
        assert preferred(self.meta).case_sensitive

    def test_an_empty_or_too_long_rule_is_refused_by_field(self):
        for bad in ([""], ["x" * 101], [" - "]):
            with pytest.raises(ValidationError) as raised:
                alias_set_senses(
                    alias=preferred(self.meta), case_sensitive=True, not_followed_by=bad
                )
            assert "not_followed_by" in raised.value.message_dict
        assert preferred(self.meta).not_followed_by == []

    def test_the_live_refresh_of_one_term_takes_a_fixed_number_of_queries(self):
        new_glossary_version()
        alias = preferred(self.meta)
        with (
            self.assertNumQueries(23),
            self.captureOnCommitCallbacks(execute=True),
        ):
            alias_set_senses(alias=alias, case_sensitive=True)
        make_episode(segments=[("Cy", 0.0, "Meta again. And Meta.")])
        with (
            self.assertNumQueries(23),
            self.captureOnCommitCallbacks(execute=True),
        ):
            alias_set_senses(alias=alias, case_sensitive=False)
        assert Citation.objects.filter(term=self.meta).count() == 5


class SensesAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meta = make_term("Meta", slug="meta-platforms")
        cls.user = make_user("root", staff=True)
        cls.user.is_superuser = True
        cls.user.save()

    def url(self):
        return reverse(
            "admin:glossary_labelsense_change", args=[preferred(self.meta).pk]
        )

    def test_the_page_sets_the_rules_of_a_preferred_label(self):
        response = logged_in(self.user).post(
            self.url(),
            {
                "case_sensitive": "on",
                "not_followed_by": "-analysis\nnarrative\n",
                "not_preceded_by": "",
                "not_sentence_start": "on",
            },
        )
        assert response.status_code == 302
        sense = LabelSense.objects.get(pk=preferred(self.meta).pk)
        assert sense.not_followed_by == ["-analysis", "narrative"]
        assert sense.case_sensitive and sense.not_sentence_start

    def test_a_rule_that_matches_everything_is_refused_in_the_form(self):
        response = logged_in(self.user).post(
            self.url(), {"not_followed_by": "  ,  ", "not_preceded_by": "x" * 101}
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "no letter or digit" in str(errors["not_followed_by"])
        assert "at most 100" in str(errors["not_preceded_by"])
        assert preferred(self.meta).not_followed_by == []


class ExplainPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meta = make_term("Meta", slug="meta-platforms")
        Alias.objects.filter(term=cls.meta).update(
            case_sensitive=True, not_followed_by=["-analysis"]
        )
        make_term("open source")
        new_glossary_version()
        cls.user = make_user("root", staff=True)
        cls.user.is_superuser = True
        cls.user.save()

    def test_an_editor_sees_why_each_mention_is_linked_or_not(self):
        response = logged_in(self.user).post(
            reverse("admin:glossary_explain"),
            {
                "notes": "Open source, open source and a Meta-analysis.",
                "first_only": "on",
            },
        )
        assert response.status_code == 200
        rows = [
            (item["line"].text, item["line"].linked, item["line"].reason)
            for item in response.context["lines"]
        ]
        assert rows == [
            ("Open source", True, None),
            ("open source", False, "first mention only: linked earlier"),
            ("Meta", False, "context rule: not followed by “-analysis”"),
        ]
        rule = reverse(
            "admin:glossary_labelsense_change", args=[preferred(self.meta).pk]
        )
        assert f'href="{rule}"' in response.content.decode()
