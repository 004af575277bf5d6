"""Sense rules in the glossary CSV: exported, imported (dry run too), refused
by row and column, all or nothing."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glossary.import_export import TermResource
from glossary.models import Alias, Term

from .admin_helpers import logged_in, make_user
from .factories import make_term

HEADER = [
    "label",
    "slug",
    "status",
    "kind",
    "short_definition",
    "aliases",
    "case_sensitive",
    "not_followed_by",
    "not_preceded_by",
    "not_sentence_start",
]


def senses(term: Term) -> dict[str, tuple]:
    return {
        a.label: (
            a.case_sensitive,
            a.not_followed_by,
            a.not_preceded_by,
            a.not_sentence_start,
        )
        for a in Alias.objects.filter(term=term)
    }


def dataset(*rows: list[str]) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADER)


META = [
    "Meta",
    "meta",
    "published",
    "organization",
    "The company.",
    "Meta Platforms",
    "Meta",
    "Meta: -analysis|narrative|Meta Platforms: Inc",
    "the",
    "Meta",
]


class SenseImportTests(TestCase):
    def test_a_row_sets_every_labels_case_flag_and_context_rules(self):
        result = TermResource().import_data(dataset(META), dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert senses(Term.objects.get(slug="meta")) == {
            "Meta": (True, ["-analysis", "narrative"], ["the"], True),
            "Meta Platforms": (False, ["Inc"], [], False),
        }

    def test_a_dry_run_checks_the_rules_and_writes_nothing(self):
        result = TermResource().import_data(dataset(META), dry_run=True)
        assert not result.has_validation_errors()
        assert not Term.objects.exists()

    def test_an_export_imports_back_to_the_same_senses(self):
        TermResource().import_data(dataset(META), dry_run=False)
        exported = TermResource().export()
        Term.objects.all().delete()
        result = TermResource().import_data(exported, dry_run=False)
        assert not result.has_validation_errors()
        assert senses(Term.objects.get(slug="meta")) == {
            "Meta": (True, ["-analysis", "narrative"], ["the"], True),
            "Meta Platforms": (False, ["Inc"], [], False),
        }

    def test_an_export_imported_over_itself_changes_nothing(self):
        TermResource().import_data(dataset(META), dry_run=False)
        result = TermResource().import_data(TermResource().export(), dry_run=False)
        assert result.totals["skip"] == 1

    def test_a_changed_rule_updates_the_label(self):
        TermResource().import_data(dataset(META), dry_run=False)
        changed = [*META[:7], "Meta: -verse", *META[8:]]
        result = TermResource().import_data(dataset(changed), dry_run=False)
        assert result.totals["update"] == 1
        assert senses(Term.objects.get(slug="meta"))["Meta"][1] == ["-verse"]

    def test_a_file_without_the_sense_columns_leaves_the_rules_alone(self):
        TermResource().import_data(dataset(META), dry_run=False)
        short = tablib.Dataset(
            ["Meta", "meta", "published", "organization", "The company.!"],
            headers=HEADER[:5],
        )
        TermResource().import_data(short, dry_run=False)
        assert senses(Term.objects.get(slug="meta"))["Meta"][1] == [
            "-analysis",
            "narrative",
        ]


class BadSenseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_term("open source", slug="open-source")

    def errors(self, *rows):
        # As the admin and the glossary file import: a bad row rolls all back.
        result = TermResource().import_data(
            dataset(*rows), dry_run=False, rollback_on_validation_errors=True
        )
        return {
            (row.number, column): messages
            for row in result.invalid_rows
            for column, messages in row.error_dict.items()
        }

    def test_a_rule_without_a_letter_is_refused_naming_row_and_column(self):
        bad = [*META[:7], "Meta: -", *META[8:]]
        good = ["AI", "ai", "draft", "concept", "", "", "", "", "", ""]
        errors = self.errors(good, bad)
        assert list(errors) == [(2, "not_followed_by")]
        assert "no letter or digit" in errors[(2, "not_followed_by")][0]

    def test_one_bad_row_imports_nothing(self):
        bad = ["AI", "ai", "draft", "concept", "", "", "", "", "x" * 101, ""]
        self.errors(META, bad)
        assert list(Term.objects.values_list("slug", flat=True)) == ["open-source"]

    def test_a_flag_on_a_label_the_row_does_not_have_is_refused(self):
        bad = [*META[:9], "Facebook"]
        errors = self.errors(bad)
        assert errors == {
            (1, "not_sentence_start"): ["“Facebook” is not one of this row's labels."]
        }


class SenseExportQueriesTests(TestCase):
    def test_the_export_reads_a_fixed_number_of_queries_whatever_the_terms(self):
        TermResource().import_data(dataset(META), dry_run=False)
        with CaptureQueriesContext(connection) as few:
            TermResource().export()
        for n in range(5):
            make_term(f"extra {n}", aliases=[f"extra alias {n}"])
        with self.assertNumQueries(len(few)):
            TermResource().export()


class SenseAdminImportTests(TestCase):
    def test_the_admin_preview_names_the_line_and_column_of_a_bad_rule(self):
        client = logged_in(make_user("editor"))
        text = (
            "label,slug,status,kind,not_followed_by\n"
            "AI,ai,draft,concept,\nMeta,meta,draft,organization,Meta: ...\n"
        )
        upload = SimpleUploadedFile("g.csv", text.encode(), content_type="text/csv")
        response = client.post(
            reverse("admin:glossary_term_import"),
            {"import_file": upload, "format": "0"},
        )
        content = response.content.decode()
        assert "confirm_form" not in response.context
        assert '<td class="kb-line">3</td>' in content
        assert "<strong>not_followed_by</strong>: “Meta: ...”" in content
        assert not Term.objects.exists()
