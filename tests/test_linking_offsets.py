"""Offsets in code points, UTF-16 units and UTF-8 bytes, exact on hard text.

Checked against Python's slicing of the encoded text, and against a real
JavaScript engine's `String.prototype.slice` (the headless Chromium the
browser tests use).
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.linking import Entry, Matcher
from glossary.linking.offsets import convert

HARD = [
    "😀",
    "👩\u200d👩\u200d👧",  # a ZWJ family
    "🇫🇷",  # a flag: two regional indicators
    "e\u0301",  # e and a combining acute accent
    "\r\n",
    " ",
    "é",
    "中文",
    "ﬁ",
]
LABELS = ["open source", "RLHF", "café"]
pieces = st.lists(st.sampled_from(HARD + LABELS + [" and ", ". "]), max_size=30)
MATCHER = Matcher([Entry(label, i) for i, label in enumerate(LABELS)])


def mentions(text, unit):
    matches = MATCHER.find(text, first_only=False)
    at = convert(text, [p for m in matches for p in (m.start, m.end)], unit)
    return [(at[m.start], at[m.end], m.text) for m in matches]


def test_the_issue_example_in_every_unit():
    text = "😀😀 👩\u200d👩\u200d👧 RLHF"
    assert mentions(text, "codepoint") == [(9, 13, "RLHF")]
    assert mentions(text, "utf16") == [(14, 18, "RLHF")]
    assert mentions(text, "utf8") == [(28, 32, "RLHF")]


@given(pieces.map("".join))
def test_utf16_and_utf8_offsets_slice_the_encoded_text_to_the_mention(text):
    utf16 = text.encode("utf-16-le")
    utf8 = text.encode("utf-8")
    for start, end, surface in mentions(text, "utf16"):
        assert utf16[2 * start : 2 * end].decode("utf-16-le") == surface
    for start, end, surface in mentions(text, "utf8"):
        assert utf8[start:end].decode("utf-8") == surface
    for start, end, surface in mentions(text, "codepoint"):
        assert text[start:end] == surface


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=pieces.map("".join))
def test_utf16_offsets_are_what_javascript_slices(page, text):
    found = mentions(text, "utf16")
    sliced = page.evaluate(
        "([text, spans]) => spans.map(([s, e]) => text.slice(s, e))",
        [text, [[s, e] for s, e, _ in found]],
    )
    assert sliced == [surface for _, _, surface in found], json.dumps(text)
