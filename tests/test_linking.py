"""The linker: finding glossary terms in text and in HTML (no database).

A table of edge cases in the style of Zulip's alert-word tests, the options
one by one, property tests against a slow reference written out here, and
HTML mode. Decisions these tests pin down:

- Whole words: the characters just before and after a match are not word
  characters (letters, digits, underscore, combining marks).
- Segmentation first (leftmost-longest over all terms but the skipped
  ones), then first mention per term, then `max_links`.
- HTML is matched as the text a browser shows (`AT&amp;T` is "AT&T"), with
  offsets into the HTML source; a mention never spans markup.
- The linker does not sanitise HTML; it only makes sure that what it adds
  (escaped attributes, checked hrefs, around text a browser reads as text)
  cannot carry script.
"""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.linking import (
    DEFAULT_SKIP_ELEMENTS,
    Entry,
    Match,
    Matcher,
    link_html,
    normalize_label,
)
from glossary.linking.folding import case_form, normalise
from glossary.linking.html import safe_href
from glossary.linking.matcher import plural_forms
from glossary.linking.normalize import (
    FOLD_TABLE,
    WHITESPACE,
    attaches,
    collapse,
    fold,
    is_word_char,
)

SEED = [
    Entry("open source", 1),
    Entry("open source community", 2),
    Entry("foundation model", 3),
    Entry("RLHF", 4, case_sensitive=True),
    Entry("EA", 5, case_sensitive=True),
    Entry("Meta", 6, case_sensitive=True),
    Entry("Hugging Face", 7),
    Entry("GPT-2", 8),
    Entry("policy", 9),
    Entry("box", 10),
    Entry("don't", 11),
    Entry("civil society", 12),
    Entry("file", 13),
    Entry("İstanbul", 14),
    Entry("café", 15),
    Entry("AT&T", 16),
    Entry("language model", 17),
    Entry("large language model", 18),
]
MATCHER = Matcher(SEED)


def surfaces(text: str, matcher: Matcher = MATCHER, **options: object) -> list[str]:
    return [match.text for match in matcher.find(text, first_only=False, **options)]


# --------------------------------------------------------------------------
# The table: (what it shows, text, surfaces found with first_only=False)
# --------------------------------------------------------------------------

EDGE_CASES = [
    ("a label alone", "open source", ["open source"]),
    ("a label inside a sentence", "We love open source code.", ["open source"]),
    ("at the start of the text", "Open source wins", ["Open source"]),
    ("at the end of the text", "we like open source", ["open source"]),
    (
        "between punctuation",
        "(open source), [RLHF]; {EA}!",
        ["open source", "RLHF", "EA"],
    ),
    ("before a question mark", "is it open source?", ["open source"]),
    ("not inside a longer word", "reopen sources, boxing, policymaker", []),
    ("not after an underscore", "x_open source_y", []),
    ("not before a digit", "RLHF2 and box1", []),
    (
        "case-insensitive by default",
        "OPEN SOURCE and Open Source",
        ["OPEN SOURCE", "Open Source"],
    ),
    ("a case-sensitive acronym as written", "EA and RLHF", ["EA", "RLHF"]),
    ("a case-sensitive acronym not in lower case", "an idea, ea, Ea, rlhf", []),
    ("Meta the company, not meta the word", "meta data at Meta", ["Meta"]),
    ("a regular plural", "foundation models", ["foundation models"]),
    ("an -es plural", "boxes of boxes", ["boxes", "boxes"]),
    ("a -y to -ies plural", "three policies", ["policies"]),
    ("a plural of an acronym", "EAs and RLHFs", ["EAs", "RLHFs"]),
    ("no plural of the first word", "opens source", []),
    ("a hyphen for a space", "open-source software", ["open-source"]),
    ("a space for a hyphen", "GPT 2 and GPT-2", ["GPT 2", "GPT-2"]),
    ("an en dash for a hyphen", "open\u2013source", ["open\u2013source"]),
    ("runs of spaces", "open    source", ["open    source"]),
    ("a newline inside a label", "open\nsource", ["open\nsource"]),
    ("blank lines inside a label", "open\n\n  source", ["open\n\n  source"]),
    ("a tab and a no-break space", "open\t\u00a0source", ["open\t\u00a0source"]),
    ("a straight apostrophe", "don't", ["don't"]),
    ("a curly apostrophe", "don\u2019t", ["don\u2019t"]),
    ("a possessive", "Meta's model", ["Meta"]),
    ("punctuation inside a label", "AT&T and at&t", ["AT&T", "at&t"]),
    ("punctuation inside a label is kept", "AT T and AT-T", []),
    ("the longest label", "the open source community", ["open source community"]),
    ("the leftmost label first", "large language model", ["large language model"]),
    ("no overlaps", "civil society open source", ["civil society", "open source"]),
    (
        "a shorter label after a longer one",
        "open source community open source",
        ["open source community", "open source"],
    ),
    (
        "overlapping labels: leftmost wins",
        "language model policy",
        ["language model", "policy"],
    ),
    ("İ with its dot", "İSTANBUL and İstanbul", ["İSTANBUL", "İstanbul"]),
    ("a ligature", "\ufb01le", ["\ufb01le"]),
    ("a ligature in a plural", "\ufb01les", ["\ufb01les"]),
    ("a composed accent", "caf\u00e9", ["caf\u00e9"]),
    ("a decomposed accent", "cafe\u0301", ["cafe\u0301"]),
    ("a combining mark is part of its word", "file\u0301", []),
    ("full-width letters", "\uff32\uff2c\uff28\uff26", ["\uff32\uff2c\uff28\uff26"]),
    ("emoji around a label", "\U0001f917Hugging Face\U0001f917", ["Hugging Face"]),
    ("emoji before a label", "\U0001f600\U0001f600 open source", ["open source"]),
    ("an empty text", "", []),
    ("text without a mention", "nothing to see here", []),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in EDGE_CASES],
    ids=[case[0] for case in EDGE_CASES],
)
def test_edge_case(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


# --------------------------------------------------------------------------
# Offsets and matches
# --------------------------------------------------------------------------


def test_offsets_index_the_original_text() -> None:
    text = "Say ﬁles and İstanbul, then open  source."
    for match in MATCHER.find(text, first_only=False):
        assert text[match.start : match.end] == match.text


def test_offsets_survive_characters_that_grow_when_folded() -> None:
    text = "İİİ ßß ﬁﬁ open source"
    [match] = MATCHER.find(text)
    assert (match.start, match.end) == (10, 21)


def test_offsets_survive_characters_that_shrink_when_folded() -> None:
    text = "e\u0301e\u0301 open source"
    [match] = MATCHER.find(text)
    assert (match.start, match.end) == (5, 16)


def test_offsets_survive_collapsed_white_space_before_the_match() -> None:
    text = "a  \n\n   b open source"
    [match] = MATCHER.find(text)
    assert text[match.start : match.end] == "open source"


def test_a_match_names_its_term_and_the_label_that_matched() -> None:
    matcher = Matcher([Entry("LLM", 3, True), Entry("large language model", 3)])
    assert matcher.find("LLMs") == [Match(0, 4, "LLMs", 3, "LLM")]


def test_matches_are_plain_frozen_dataclasses() -> None:
    [match] = MATCHER.find("open source")
    assert match == Match(0, 11, "open source", 1, "open source")
    with pytest.raises(AttributeError):
        match.start = 3  # type: ignore[misc]


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------


def test_only_the_first_mention_of_a_term_by_default() -> None:
    found = MATCHER.find("open source, open source, Open Source")
    assert [m.start for m in found] == [0]


def test_aliases_of_one_term_count_as_one_term() -> None:
    matcher = Matcher([Entry("LLM", 1, True), Entry("large language model", 1)])
    assert [m.text for m in matcher.find("large language models and LLMs")] == [
        "large language models"
    ]


def test_a_repeated_mention_still_covers_its_words() -> None:
    text = "open source community, then open source community"
    assert [m.text for m in MATCHER.find(text)] == ["open source community"]


def test_every_mention_when_first_only_is_off() -> None:
    assert surfaces("EA EA EA") == ["EA", "EA", "EA"]


def test_max_links_counts_links_in_order() -> None:
    text = "RLHF, open source, EA and Meta"
    assert [m.text for m in MATCHER.find(text, max_links=2)] == ["RLHF", "open source"]


def test_max_links_zero_links_nothing() -> None:
    assert MATCHER.find("open source", max_links=0) == []


def test_skipped_terms_are_not_linked() -> None:
    assert surfaces("RLHF and EA", skip_terms={4}) == ["EA"]


def test_a_skipped_term_leaves_its_words_to_shorter_labels() -> None:
    assert surfaces("the open source community", skip_terms={2}) == ["open source"]


def test_skip_terms_accepts_any_collection() -> None:
    assert surfaces("RLHF and EA", skip_terms=[5]) == ["RLHF"]


def test_the_empty_matcher_finds_nothing() -> None:
    assert Matcher([]).find("open source") == []


def test_the_empty_matcher_has_no_labels() -> None:
    assert len(Matcher()) == 0


def test_len_is_the_number_of_labels() -> None:
    assert len(MATCHER) == len(SEED)


def test_labels_that_normalise_to_nothing_are_ignored() -> None:
    matcher = Matcher([Entry(" - ", 1), Entry("", 2)])
    assert len(matcher) == 0
    assert matcher.find("- -") == []


def test_a_label_too_long_to_be_prose_is_ignored() -> None:
    matcher = Matcher([Entry("word " * 300, 1), Entry("word", 2)])
    assert len(matcher) == 1
    assert [m.term_id for m in matcher.find("word " * 300)] == [2]


def test_build_is_the_constructor() -> None:
    assert Matcher.build(SEED).find("EA") == MATCHER.find("EA")


def test_an_exact_label_beats_another_terms_plural() -> None:
    matcher = Matcher([Entry("model", 1), Entry("models", 2)])
    assert [m.term_id for m in matcher.find("models")] == [2]


def test_a_case_sensitive_label_beats_a_case_insensitive_one() -> None:
    matcher = Matcher([Entry("meta", 1), Entry("Meta", 2, True)])
    assert [
        (m.text, m.term_id) for m in matcher.find("Meta meta", first_only=False)
    ] == [
        ("Meta", 2),
        ("meta", 1),
    ]


def test_one_matcher_serves_many_threads() -> None:
    text = "open source and RLHF, " * 50
    expected = MATCHER.find(text, first_only=False)
    results = []

    def work() -> None:
        results.append(MATCHER.find(text, first_only=False) == expected)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8


def test_each_label_and_its_plural_are_one_key_each() -> None:
    entries = [Entry(f"term{i} model", i) for i in range(2000)]
    matcher = Matcher(entries)
    assert len(matcher.automaton) == 4000  # each label and its plural
    assert [m.term_id for m in matcher.find("Term1999 models")] == [1999]


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


def test_normalize_label_keeps_its_meaning() -> None:
    assert normalize_label("  Open-Source\u2019s  MODEL ") == "open source's model"


def test_the_whitespace_list_is_what_python_calls_white_space() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces == set(WHITESPACE)


def test_separators_normalise_to_characters_the_fold_table_maps_alike() -> None:
    for char, target in FOLD_TABLE.items():
        assert unicodedata.normalize("NFKC", chr(char)).translate(FOLD_TABLE) == target


def test_plural_forms_of_the_last_word() -> None:
    assert plural_forms("model") == ["models"]
    assert plural_forms("box") == ["boxes"]
    assert plural_forms("policy") == ["policies", "policys"]
    assert plural_forms("day") == ["days"]
    assert plural_forms("gpt 2") == []


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_matching_folds_labels_the_way_normalize_label_does(label: str) -> None:
    assert collapse(fold(label)) == normalize_label(label)


# --------------------------------------------------------------------------
# Property tests against a slow reference
# --------------------------------------------------------------------------


def reference_fold(text: str) -> tuple[list[str], list[int], list[int]]:
    """Fold, collapse, and give each folded character its original span.

    One character with the combining marks after it at a time, so that
    every folded character knows which original characters it came from:
    itself when the piece folds one for one, else the whole piece.
    """
    chunks: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if chunks and attaches(char):
            chunks[-1] = (chunks[-1][0], i + 1)
        else:
            chunks.append((i, i + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in chunks:
        piece = text[start:end]
        folded = fold(piece)
        one_for_one = folded == piece.translate(FOLD_TABLE).casefold()
        for k, char in enumerate(folded):
            if char == " " and chars and chars[-1] == " ":
                continue
            chars.append(char)
            if one_for_one and len(folded) == len(piece):
                starts.append(start + k)
                ends.append(start + k + 1)
            else:
                starts.append(start)
                ends.append(end)
    return chars, starts, ends


def reference_find(
    entries: list[Entry],
    text: str,
    first_only: bool = True,
    max_links: int | None = None,
    skip_terms: frozenset[int] = frozenset(),
) -> list[tuple[int, int, str, int, str]]:
    """Try every label form at every position; then leftmost-longest."""
    chars, starts, ends = reference_fold(text)
    folded = "".join(chars)
    candidates = []
    for order, entry in enumerate(entries):
        form = "".join(reference_fold(entry.label)[0]).strip(" ")
        form = " ".join(form.split(" "))
        if not form or entry.term_id in skip_terms:
            continue
        forms = [(False, form)] + [(True, p) for p in plural_forms(form)]
        exact = case_form(entry.label)
        case_forms = {exact, *plural_forms(exact)}
        for plural, variant in forms:
            for i in range(len(folded) - len(variant) + 1):
                j = i + len(variant)
                if folded[i:j] != variant:
                    continue
                if i > 0 and is_word_char(folded[i - 1]):
                    continue
                if j < len(folded) and is_word_char(folded[j]):
                    continue
                start, end = starts[i], ends[j - 1]
                if (
                    entry.case_sensitive
                    and case_form(text[start:end]) not in case_forms
                ):
                    continue
                rank = (plural, not entry.case_sensitive, order)
                candidates.append((i, -j, rank, start, end, entry))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    chosen = []
    position = 0
    for i, minus_j, _, start, end, entry in candidates:
        if i >= position:
            chosen.append((start, end, entry))
            position = -minus_j
    result = []
    seen = set()
    for start, end, entry in chosen:
        if first_only and entry.term_id in seen:
            continue
        seen.add(entry.term_id)
        result.append((start, end, text[start:end], entry.term_id, entry.label))
    return result[:max_links] if max_links is not None else result


LETTERS = ["a", "b", "s", "y", "A", "S", "x", "İ", "i", "\ufb01", "ß", "e\u0301"]
NOISE = [" ", " ", "-", "'", "\u2019", "\n", ".", "\u0301", "\U0001f600", "\u00a0"]
words = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=3).map("".join)
labels = st.lists(st.one_of(words, st.sampled_from(NOISE)), min_size=1, max_size=4).map(
    "".join
)
entries = st.lists(
    st.builds(
        Entry, label=labels, term_id=st.integers(1, 4), case_sensitive=st.booleans()
    ),
    max_size=6,
)


def _recase(text: str, upper: list[bool]) -> str:
    return "".join(
        c.upper() if flip else c
        for c, flip in zip(text, upper + [False] * len(text), strict=False)
    )


@st.composite
def glossaries_and_texts(draw: st.DrawFn) -> tuple[list[Entry], str]:
    """A glossary and a text made partly of its labels, some recased or pluralised."""
    glossary = draw(entries)
    pieces = [st.sampled_from(NOISE), words]
    if glossary:
        label = st.sampled_from([entry.label for entry in glossary])
        pieces.append(label)
        pieces.append(
            st.tuples(label, st.lists(st.booleans())).map(lambda p: _recase(*p))
        )
        pieces.append(
            st.tuples(label, st.sampled_from(["s", "es", "ies", "S"])).map("".join)
        )
    text = "".join(draw(st.lists(st.one_of(*pieces), max_size=12)))
    return glossary, text


PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def found(matcher: Matcher, text: str, **options: object) -> list[tuple]:
    return [
        (m.start, m.end, m.text, m.term_id, m.label)
        for m in matcher.find(text, **options)
    ]


@given(glossaries_and_texts())
@PROPERTY
def test_every_mention_matches_the_reference(case: tuple[list[Entry], str]) -> None:
    glossary, text = case
    assert found(Matcher(glossary), text, first_only=False) == reference_find(
        glossary, text, first_only=False
    )


@given(glossaries_and_texts(), st.booleans(), st.none() | st.integers(0, 3))
@PROPERTY
def test_first_mentions_and_max_links_match_the_reference(
    case: tuple[list[Entry], str], first_only: bool, max_links: int | None
) -> None:
    glossary, text = case
    options = {"first_only": first_only, "max_links": max_links}
    assert found(Matcher(glossary), text, **options) == reference_find(
        glossary, text, **options
    )


@given(glossaries_and_texts(), st.frozensets(st.integers(1, 4), max_size=2))
@PROPERTY
def test_skipped_terms_match_the_reference(
    case: tuple[list[Entry], str], skip: frozenset[int]
) -> None:
    glossary, text = case
    assert found(Matcher(glossary), text, first_only=False, skip_terms=skip) == (
        reference_find(glossary, text, first_only=False, skip_terms=skip)
    )


@given(glossaries_and_texts())
@PROPERTY
def test_every_match_is_the_original_text_it_points_at(
    case: tuple[list[Entry], str],
) -> None:
    glossary, text = case
    for match in Matcher(glossary).find(text, first_only=False):
        assert text[match.start : match.end] == match.text
        assert match.text


def test_the_reference_agrees_on_the_seed_glossary() -> None:
    text = " ".join(case[1] for case in EDGE_CASES)
    assert found(MATCHER, text, first_only=False) == reference_find(
        SEED, text, first_only=False
    )


def test_normalise_is_the_reference_label_form() -> None:
    for entry in SEED:
        assert normalise(entry.label) == "".join(reference_fold(entry.label)[0]).strip()


# --------------------------------------------------------------------------
# HTML mode
# --------------------------------------------------------------------------


def href(term_id: int) -> str:
    return f"/concepts/{term_id}/"


def link(html: str, **options: object) -> str:
    return link_html(MATCHER, html, href_for=href, first_only=False, **options)[0]


def anchor(term_id: int, text: str) -> str:
    return (
        f'<a href="/concepts/{term_id}/" class="kb-term" data-term="{term_id}">'
        f"{text}</a>"
    )


LINK = re.compile(
    r'<a href="[^"]*"(?: title="[^"]*")? class="kb-term" data-term="\d+">(.*?)</a>',
    re.DOTALL,
)


def strip_links(html: str) -> str:
    return LINK.sub(r"\1", html)


def test_a_mention_in_a_paragraph_becomes_a_link() -> None:
    assert link("<p>We love open source.</p>") == (
        f"<p>We love {anchor(1, 'open source')}.</p>"
    )


@pytest.mark.parametrize("tag", sorted(DEFAULT_SKIP_ELEMENTS - {"plaintext"}))
def test_no_link_inside_a_default_skipped_element(tag: str) -> None:
    html = f"<{tag}>open source</{tag}>"
    assert link(html) == html


def test_no_link_inside_an_element_the_caller_lists() -> None:
    html = "<blockquote>open source</blockquote> <p>open source</p>"
    assert link(html, skip_elements={"blockquote"}) == (
        f"<blockquote>open source</blockquote> <p>{anchor(1, 'open source')}</p>"
    )


def test_the_callers_element_names_ignore_case() -> None:
    html = "<BlockQuote>open source</BlockQuote>"
    assert link(html, skip_elements=["BLOCKQUOTE"]) == html


def test_the_callers_list_adds_to_the_defaults() -> None:
    html = "<code>open source</code><em>open source</em>"
    assert link(html, skip_elements={"em"}) == html


def test_no_link_in_elements_nested_in_a_skipped_one() -> None:
    html = "<pre><b><i>open source</i></b></pre>"
    assert link(html) == html


def test_links_resume_after_a_skipped_element_closes() -> None:
    html = "<a href='/x'><b>EA</b></a> EA"
    assert link(html) == f"<a href='/x'><b>EA</b></a> {anchor(5, 'EA')}"


def test_mentions_in_nested_ordinary_elements_are_linked() -> None:
    assert link("<div><p><em>RLHF</em></p></div>") == (
        f"<div><p><em>{anchor(4, 'RLHF')}</em></p></div>"
    )


def test_attributes_are_never_linked() -> None:
    html = '<img alt="open source" title="RLHF"><span data-x="EA">x</span>'
    assert link(html) == html


def test_comments_are_untouched() -> None:
    html = "<!-- open source --><!---->EA"
    assert link(html) == f"<!-- open source --><!---->{anchor(5, 'EA')}"


def test_cdata_and_declarations_are_untouched() -> None:
    html = "<!DOCTYPE html><![CDATA[ open source ]]><?php RLHF ?>"
    assert link(html) == html


def test_entities_are_matched_as_the_text_they_show() -> None:
    assert link("AT&amp;T and open&nbsp;source") == (
        f"{anchor(16, 'AT&amp;T')} and {anchor(1, 'open&nbsp;source')}"
    )


def test_offsets_of_html_matches_index_the_original_html() -> None:
    html = "<p>caf&eacute; &amp; AT&#38;T</p>"
    _, matches = link_html(MATCHER, html, href_for=href)
    assert [(m.start, m.end, m.text) for m in matches] == [
        (3, 14, "caf&eacute;"),
        (21, 29, "AT&#38;T"),
    ]
    assert all(html[m.start : m.end] == m.text for m in matches)


def test_a_mention_does_not_span_markup() -> None:
    html = "open <em>source</em>"
    assert link(html) == html


def test_first_only_counts_across_the_whole_document() -> None:
    html = "<p>RLHF</p><p>RLHF</p>"
    out, matches = link_html(MATCHER, html, href_for=href)
    assert out == f"<p>{anchor(4, 'RLHF')}</p><p>RLHF</p>"
    assert len(matches) == 1


def test_max_links_counts_across_the_whole_document() -> None:
    html = "<p>RLHF</p><p>EA</p><p>Meta</p>"
    _, matches = link_html(MATCHER, html, href_for=href, max_links=2)
    assert [m.text for m in matches] == ["RLHF", "EA"]


def test_skipped_terms_are_not_linked_in_html() -> None:
    assert link("<p>RLHF EA</p>", skip_terms={4}) == f"<p>RLHF {anchor(5, 'EA')}</p>"


def test_everything_but_the_links_is_byte_identical() -> None:
    html = (
        "<!doctype html>\n<HTML lang=en><body class='x'  >\n  <P>Open\n  source "
        "&amp;  &#x45;A &unknown; <br/>RLHF</P>\r\n<!-- c --> EA</body></HTML>"
    )
    out = link(html)
    assert out != html
    assert strip_links(out) == html


def test_a_title_is_escaped() -> None:
    out, _ = link_html(
        MATCHER, "EA", href_for=href, title_for=lambda _: '"><script>alert(1)</script>'
    )
    assert out == (
        '<a href="/concepts/5/" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'
        ' class="kb-term" data-term="5">EA</a>'
    )


def test_an_href_is_escaped() -> None:
    out, _ = link_html(MATCHER, "EA", href_for=lambda _: "/t?a=1&b=2")
    assert 'href="/t?a=1&amp;b=2"' in out


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "java\nscript:alert(1)",
        ' /x" onmouseover="alert(1)',
        "http:evil",
        "",
    ],
)
def test_an_unsafe_href_is_refused(bad: str) -> None:
    out, matches = link_html(
        MATCHER, "EA and RLHF", href_for=lambda t: bad if t == 5 else href(t)
    )
    assert out == f"EA and {anchor(4, 'RLHF')}"
    assert [m.term_id for m in matches] == [4]


@pytest.mark.parametrize(
    "good",
    [
        "/concepts/ea/",
        "concepts/ea",
        "../ea",
        "?q=ea",
        "#ea",
        "https://kb.example/ea",
        "//kb.example/ea",
    ],
)
def test_http_and_relative_hrefs_are_accepted(good: str) -> None:
    assert safe_href(good) == good


def test_an_xss_attempt_in_the_input_stays_as_it_was() -> None:
    html = '<img src=x onerror="alert(1)"><script>open source</script>open source'
    out = link(html)
    assert out == (
        '<img src=x onerror="alert(1)"><script>open source</script>'
        + anchor(1, "open source")
    )


def test_links_stop_where_a_tag_has_an_unbalanced_quote() -> None:
    html = '<p>EA</p><div title="x>open source</div><p>RLHF</p>'
    assert link(html) == f"<p>{anchor(5, 'EA')}</p>" + html[9:]


def test_a_lone_less_than_sign_is_text() -> None:
    assert link("1 < 2 open source") == f"1 < 2 {anchor(1, 'open source')}"


def test_a_less_than_sign_before_a_tag_is_text() -> None:
    assert link("1 <<b>EA</b>") == f"1 <<b>{anchor(5, 'EA')}</b>"


def test_an_unclosed_skipped_element_skips_the_rest() -> None:
    html = "<code>open source <p>RLHF"
    assert link(html) == html


def test_a_stray_end_tag_is_harmless() -> None:
    assert link("</code>EA") == f"</code>{anchor(5, 'EA')}"


@pytest.mark.parametrize(
    "html",
    [
        "<",
        "<p",
        "<p class='",
        "<!--",
        "<![CDATA[",
        "</",
        "&",
        "&#",
        "&#xZZ;",
        "<a href='x'>unclosed",
        "<<>>EA<<",
        "<p>EA</p></p></div>",
        "\x00EA\x00",
    ],
)
def test_malformed_html_does_not_crash(html: str) -> None:
    out, matches = link_html(MATCHER, html, href_for=href)
    assert strip_links(out) == html
    assert all(html[m.start : m.end] == m.text for m in matches)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))


html_pieces = st.sampled_from(
    [
        "open source",
        " RLHF ",
        "EA",
        "<p>",
        "</p>",
        "<code>",
        "</code>",
        "<a href='/x'>",
        "</a>",
        "<!-- EA -->",
        "&amp;",
        "AT&amp;T",
        "<",
        ">",
        '"',
        "'",
        '<b title="',
        "<script>",
        "</script>",
        "\n",
        "&",
    ]
)


@given(st.lists(html_pieces, max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_html_output_is_the_input_with_only_links_added(html: str) -> None:
    out, matches = link_html(
        MATCHER, html, href_for=href, title_for=lambda _: "<\"'>&", first_only=False
    )
    assert strip_links(out.replace('title="&lt;&quot;&#x27;&gt;&amp;" ', "")) == html
    for match in matches:
        assert html[match.start : match.end] == match.text


@given(st.lists(html_pieces, max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_html_output_has_no_new_tags_but_links(html: str) -> None:
    before = _Tags()
    before.feed(html)
    before.close()
    after = _Tags()
    out, _ = link_html(MATCHER, html, href_for=href, first_only=False)
    after.feed(out)
    after.close()
    added = [tag for tag in after.tags if tag not in before.tags]
    assert all(tag == "a" and dict(attrs)["class"] == "kb-term" for tag, attrs in added)
