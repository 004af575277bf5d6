"""Scripts written without spaces: their labels match inside unspaced text,
while Latin labels still need word boundaries."""

import pytest

from glossary.linking import Entry, Matcher, link_html

MATCHER = Matcher(
    [
        Entry("中文", 1),
        Entry("機械学習", 2),
        Entry("ภาษา", 3),
        Entry("open source", 4),
        Entry("カタカナ", 5),
        Entry("AI", 6),
    ]
)


def found(text):
    return [(m.text, m.start) for m in MATCHER.find(text, first_only=False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们学习中文很好", [("中文", 4)]),
        ("これは機械学習の本です", [("機械学習", 3)]),
        ("เรียนภาษาไทย", [("ภาษา", 5)]),
        ("ｶﾀｶﾅで書く", [("ｶﾀｶﾅ", 0)]),
        ("中文和中文", [("中文", 0), ("中文", 3)]),
    ],
)
def test_an_unspaced_label_matches_inside_unspaced_text(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", ["reopen sources", "xAIy", "opensource", "FAIR"])
def test_latin_labels_still_need_word_boundaries(text):
    assert found(text) == []


def test_latin_labels_match_beside_punctuation_in_cjk_text():
    assert found("我们用「AI」和 open source。") == [("AI", 4), ("open source", 9)]


def test_a_latin_label_written_against_a_han_character_is_not_a_mention():
    # A known limit: the boundary marker stands for non-word characters only.
    assert found("和open source") == []


def test_html_links_an_unspaced_label_inside_a_sentence():
    html, matches = link_html(
        MATCHER, "<p>我们学习<b>中文</b>和中文</p>", href_for=lambda t: f"/t/{t}/"
    )
    assert [m.start for m in matches] == [10]
    assert html.count("<a ") == 1
