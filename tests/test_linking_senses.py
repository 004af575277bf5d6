"""Sense rules on labels: case, not followed/preceded by, not at a sentence start.

The same rules hold in text, HTML and citations (the citations use the same
matcher, see test_services_senses.py).
"""

import pytest

from glossary.linking import Entry, Matcher, link_html
from glossary.linking.context import is_sentence_start, rule_problem

META = Entry(
    "Meta",
    1,
    case_sensitive=True,
    not_followed_by=("-analysis", "narrative"),
    not_sentence_start=True,
)
WORD = Entry("meta", 2)


def found(text, *entries):
    return [
        (m.text, m.term_id)
        for m in Matcher(entries or (META,)).find(text, first_only=False)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shares of Meta fell.", [("Meta", 1)]),
        ("Meta-analysis shows it.", []),
        ("A Meta-analysis shows it.", []),
        ("A Meta analysis shows it.", []),
        ("the Meta narrative", []),
        ("the Meta narratives", [("Meta", 1)]),
        ("Meta is big.", []),
        ("So. Meta is big.", []),
        ("“Meta is big,” she said.", []),
        ("he said Meta is big", [("Meta", 1)]),
        ("the meta narrative", []),
    ],
)
def test_rules_of_a_case_sensitive_label(text, expected):
    assert found(text) == expected


def test_a_mention_refused_by_a_rule_goes_to_another_sense():
    assert found("Meta-analysis shows", META, WORD) == [("Meta", 2)]
    assert found("we love Meta", META, WORD) == [("Meta", 1)]


def test_preceded_by_refuses_only_a_whole_word_before():
    entry = Entry("source", 1, not_preceded_by=("open",))
    assert found("open source wins", entry) == []
    assert found("reopen source wins", entry) == [("source", 1)]
    assert found("open-source wins", entry) == []


def test_a_punctuation_rule_must_touch_the_mention():
    entry = Entry("meta", 1, not_followed_by=("'s",))
    assert found("meta's", entry) == []
    assert found("meta ’s", entry) == [("meta", 1)]


def test_html_applies_the_rules_across_inline_markup():
    html, matches = link_html(
        Matcher([META]),
        "<p>Our <b>Meta</b>-analysis, and Meta's results.</p>",
        href_for=lambda term: f"/t/{term}/",
        first_only=False,
    )
    assert [m.text for m in matches] == ["Meta"]
    assert html.count("<a ") == 1
    assert "Meta</a>'s" in html


def test_the_preferred_label_can_be_case_sensitive_beside_a_word():
    matcher = Matcher([Entry("Meta", 1, case_sensitive=True), Entry("meta", 2)])
    assert [(m.term_id) for m in matcher.find("Meta and meta", first_only=False)] == [
        1,
        2,
    ]


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("Meta", 0, True),
        ("  (Meta", 3, True),
        ("Yes! Meta", 5, True),
        ("Yes, Meta", 5, False),
        ("e.g. Meta", 5, True),
        ("x\x00Meta", 2, False),
    ],
)
def test_sentence_starts(text, start, expected):
    assert is_sentence_start(text, start) is expected


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 101, "at most 100"),
        (" - ", "no letter or digit"),
        (",", "no letter or digit"),
    ],
)
def test_bad_rules_are_named(rule, problem):
    assert problem in rule_problem(rule)


def test_good_rules_pass():
    assert rule_problem("-analysis") is None
    assert rule_problem("narrative") is None
