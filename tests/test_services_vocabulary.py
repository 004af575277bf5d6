"""A sound vocabulary: broader cycles refused naming the path; the integrity report."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from glossary.models import Term
from glossary.services.terms import term_update
from glossary.services.vocabulary import vocabulary_integrity

from .admin_helpers import logged_in
from .factories import make_term, make_user


class BroaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ai = make_term("artificial intelligence")
        cls.ml = make_term("machine learning", broader=[cls.ai])
        cls.dl = make_term("deep learning", broader=[cls.ml])

    def update(self, term, broader):
        term.refresh_from_db()
        return term_update(term=term, expected_version=term.version, broader=broader)

    def test_a_term_broader_than_itself_is_refused(self):
        with pytest.raises(ValidationError, match="broader than itself"):
            self.update(self.ai, [self.ai])

    def test_a_cycle_of_any_length_is_refused_naming_the_path(self):
        with pytest.raises(ValidationError) as raised:
            self.update(self.ai, [self.dl])
        message = " ".join(raised.value.messages)
        assert (
            "“artificial intelligence” → “deep learning” → “machine learning” → "
            "“artificial intelligence”" in message
        )
        assert not self.ai.broader.exists()

    def test_a_harmless_broader_term_is_accepted(self):
        other = make_term("computer science")
        self.update(self.ai, [other])
        assert list(self.ai.broader.all()) == [other]


class IntegrityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = make_term("alpha")
        cls.b = make_term("beta", broader=[cls.a])
        Term.broader.through.objects.create(from_term=cls.a, to_term=cls.b)
        cls.rejected = make_term("gamma", status=Term.Status.REJECTED)
        cls.a.related.add(cls.rejected)
        make_term("open-sources", status=Term.Status.DRAFT)
        make_term("open source")
        cls.user = make_user("root", staff=True)
        cls.user.is_superuser = True
        cls.user.save()

    def test_the_report_lists_what_an_editor_should_fix(self):
        report = vocabulary_integrity()
        assert report.cycles == ["“alpha” → “beta” → “alpha”"]
        assert [
            sorted(t.label for t in terms) for _, terms in report.near_duplicate_labels
        ] == [["open source", "open-sources"]]
        assert {t.label for t in report.without_citations} == {
            "alpha",
            "beta",
            "open source",
        }
        assert [(t.label, o.label) for t, o, _ in report.related_to_rejected] == [
            ("alpha", "gamma")
        ]

    def test_the_admin_page_shows_the_report(self):
        response = logged_in(self.user).get(reverse("admin:glossary_integrity"))
        assert response.status_code == 200
        assert "“alpha” → “beta” → “alpha”" in response.content.decode()
