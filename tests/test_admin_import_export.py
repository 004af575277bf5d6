"""The glossary as CSV from the admin: export, previewed import, all-or-nothing."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from glossary.import_export import TermResource
from glossary.models import Alias, Term

from .admin_helpers import labels_of, logged_in, make_episode, make_term, make_user

IMPORT = reverse("admin:glossary_term_import")
PROCESS = reverse("admin:glossary_term_process_import")
EXPORT = reverse("admin:glossary_term_export")
HEADER = "label,slug,status,kind,short_definition,definition,aliases\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("glossary.csv", text.encode(), content_type="text/csv")


def snapshot():
    return (
        sorted(
            Term.objects.values_list(
                "label", "slug", "status", "short_definition", "definition", "version"
            )
        ),
        sorted(Alias.objects.values_list("label", "kind", "term__slug")),
    )


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_term(
            "Large language model",
            aliases=["LLM", "foundation model"],
            short_definition="A model of text.",
            status="published",
        )
        make_term("RLHF")

    def test_exports_every_term_with_aliases_pipe_separated(self):
        client = logged_in(self.editor)
        fields = {f"termresource_{name}": "on" for name in TermResource._meta.fields}
        response = client.post(EXPORT, {"format": "0", **fields})
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert list(rows[0]) == [
            "label",
            "slug",
            "status",
            "kind",
            "short_definition",
            "definition",
            "aliases",
            "abbreviations",
            "hidden_labels",
            "case_sensitive",
            "not_followed_by",
            "not_preceded_by",
            "not_sentence_start",
            "related",
            "broader",
            "featured",
        ]
        by_slug = {row["slug"]: row for row in rows}
        assert by_slug["large-language-model"]["aliases"] == "foundation model|LLM"
        assert by_slug["large-language-model"]["status"] == "published"
        assert by_slug["rlhf"]["aliases"] == ""

    def test_an_export_imports_back_unchanged(self):
        dataset = TermResource().export()
        result = TermResource().import_data(dataset, dry_run=True)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["skip"] == 2


class ImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.llm = make_term("Large language model", aliases=["LLM"])
        cls.rlhf = make_term("RLHF")

    def setUp(self):
        self.client = logged_in(self.editor)

    def preview(self, text):
        return self.client.post(IMPORT, {"import_file": upload(text), "format": "0"})

    def test_previews_without_writing_then_imports_on_confirmation(self):
        before = snapshot()
        text = (
            HEADER + "Large language model,large-language-model,draft,concept,"
            "A model of text.,,LLM|LLMs\n"
            + "Open weights,open-weights,draft,concept,,Weights you can download.,"
            "open-weight model\n" + "RLHF,rlhf,candidate,concept,,,\n"
        )
        response = self.preview(text)
        assert response.status_code == 200
        assert snapshot() == before  # the dry run wrote nothing
        result = response.context["result"]
        assert [row.import_type for row in result.valid_rows()] == [
            "update",
            "new",
            "skip",
        ]
        confirm = response.context["confirm_form"]
        assert "LLMs" in response.content.decode()

        response = self.client.post(
            PROCESS, {**confirm.initial, "confirm": "Confirm import"}, follow=True
        )
        assert response.status_code == 200
        llm = Term.objects.get(slug="large-language-model")
        assert (llm.status, llm.short_definition, llm.version) == (
            "draft",
            "A model of text.",
            2,
        )
        assert labels_of(llm) == {
            "Large language model": "preferred",
            "LLM": "alternative",
            "LLMs": "alternative",
        }
        weights = Term.objects.get(slug="open-weights")
        assert labels_of(weights)["open-weight model"] == "alternative"
        assert weights.history.first().history_user == self.editor
        assert "1 new, 1 updated" in " ".join(
            str(m) for m in response.context["messages"]
        )

    def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(self):
        before = snapshot()
        text = (
            HEADER
            + "Open weights,open-weights,draft,concept,,Weights.,\n"
            + "Effective altruism,effective-altruism,draft,concept,,,EA|llm\n"
            + "Alignment,alignment,published,concept,,,\n"
        )
        response = self.preview(text)
        content = response.content.decode()
        assert "confirm_form" not in response.context
        invalid = {
            row.number + 1: row for row in response.context["result"].invalid_rows
        }
        assert set(invalid) == {3, 4}  # file lines; the header is line 1
        assert '<td class="kb-line">3</td>' in content
        assert "already names the term “Large language model”" in content
        assert "needs a definition" in content
        assert "nothing was imported" in content
        assert snapshot() == before

    def test_a_row_that_went_bad_after_the_preview_rolls_everything_back(self):
        text = (
            HEADER
            + "Open weights,open-weights,draft,concept,,Weights.,\n"
            + "Effective altruism,effective-altruism,draft,concept,,,EA\n"
        )
        confirm = self.preview(text).context["confirm_form"]
        make_term("Enterprise architecture", aliases=["EA"])  # meanwhile
        before = snapshot()
        response = self.client.post(
            PROCESS, {**confirm.initial, "confirm": "Confirm import"}, follow=True
        )
        assert snapshot() == before
        shown = " ".join(str(m) for m in response.context["messages"])
        assert "Nothing was imported" in shown and "line 3" in shown

    def test_a_file_without_the_slug_column_is_refused(self):
        before = snapshot()
        response = self.preview("label,status\nOpen weights,draft\n")
        assert "confirm_form" not in response.context
        assert snapshot() == before

    def test_staff_without_the_editor_group_cannot_import(self):
        visitor = logged_in(make_user("visitor", editor=False))
        assert visitor.get(IMPORT).status_code == 403
        response = visitor.post(
            IMPORT,
            {"import_file": upload(HEADER + "X,x,draft,concept,,,\n"), "format": "0"},
        )
        assert response.status_code == 403
        assert not Term.objects.filter(slug="x").exists()


class LabelKindsRelationsAndFeaturedImportTests(TestCase):
    """The columns the starter glossary uses, through the admin's own import."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_episode(slug="ep-1")

    def test_kinds_case_flags_forward_relations_and_featured_passages_import(self):
        client = logged_in(self.editor)
        header = (
            "label,slug,status,kind,short_definition,definition,aliases,"
            "abbreviations,hidden_labels,case_sensitive,related,broader,featured\n"
        )
        text = (
            header
            + "Open source,open-source,published,concept,Code anyone may reuse.,,"
            ",OSS,opensource,OSS,RLHF,,ep-1: Open source is a licence question\n"
            + "Reinforcement learning from human feedback,rlhf,published,concept,"
            "Tuning on preferences.,,,RLHF,,RLHF,,Open source,"
            "ep-1: Reinforcement learning from human feedback.\n"
        )
        response = client.post(IMPORT, {"import_file": upload(text), "format": "0"})
        assert "confirm_form" in response.context, response.content.decode()[:2000]
        confirm = response.context["confirm_form"]
        client.post(PROCESS, {**confirm.initial, "confirm": "Confirm import"})
        open_source = Term.objects.get(slug="open-source")
        rlhf = Term.objects.get(slug="rlhf")
        assert set(
            Alias.objects.filter(term=open_source).values_list(
                "label", "kind", "case_sensitive"
            )
        ) == {
            ("Open source", "preferred", False),
            ("OSS", "abbreviation", True),
            ("opensource", "hidden", False),
        }
        assert list(open_source.related.all()) == [rlhf]
        assert list(rlhf.broader.all()) == [open_source]
        featured = rlhf.citations.get(featured=True)
        assert featured.quote == "Reinforcement learning from human feedback."
        assert open_source.citations.get(featured=True).surface == "Open source"
