"""List cells in the glossary CSV: `|`-separated, `\\|` for a `|` in an item."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from glossary.import_export import AliasesWidget, TermResource, join_items, split_items
from glossary.linking.normalize import normalize_label
from glossary.models import Alias, Term

from .factories import make_term

# Labels as an editor may write them: with pipes, backslashes, colons and
# spaces anywhere inside (the import strips the ends of every item).
label_text = (
    st.text(alphabet="ab|\\: -é1", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda label: normalize_label(label) != "")
)


def test_an_item_with_a_pipe_is_written_with_a_backslash():
    assert join_items(["AC|DC", "LLM"]) == "AC\\|DC|LLM"


def test_a_backslash_pipe_in_a_cell_is_a_pipe_inside_an_item():
    assert AliasesWidget().clean("AC\\|DC|LLM") == ["AC|DC", "LLM"]


def test_a_cell_without_escapes_reads_as_it_always_did():
    assert AliasesWidget().clean(" LLM | C:\\models |foundation model") == [
        "LLM",
        "C:\\models",
        "foundation model",
    ]


def test_a_backslash_before_the_separator_is_doubled_on_export():
    assert split_items(join_items(["ends\\", "next"])) == ["ends\\", "next"]


@given(st.lists(st.text(alphabet="a|\\ ", max_size=8), max_size=5))
def test_any_items_survive_join_then_split(items):
    assert split_items(join_items(items)) == (items or [""])


class LabelRoundTripProperty(HypothesisTestCase):
    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        labels=st.lists(
            label_text, min_size=1, max_size=4, unique_by=normalize_label
        ).filter(lambda labels: all(normalize_label(x) != "base term" for x in labels))
    )
    def test_an_export_imports_back_to_the_same_labels(self, labels):
        term = make_term("base term", slug="base", aliases=labels)
        before = set(Alias.objects.filter(term=term).values_list("label", "kind"))
        exported = TermResource().export(Term.objects.filter(pk=term.pk))
        Term.objects.all().delete()
        result = TermResource().import_data(exported, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        again = Term.objects.get(slug="base")
        assert set(Alias.objects.filter(term=again).values_list("label", "kind")) == (
            before
        )
