"""Fuzzing `parse_transcript`: only `TranscriptError` may ever escape it.

Whatever the input (arbitrary text or bytes, fragments of every format's
syntax, or the conversation fixtures with lines and characters deleted,
inserted and duplicated), parsing either raises `TranscriptError` or gives
segments with text whose starts never decrease.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.transcripts import TranscriptError, parse_transcript

pytestmark = pytest.mark.slow  # property-based fuzzing

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"
SUFFIXES = ["txt", "vtt", "srt", "json", "html"]
SOURCES = {
    suffix: (FIXTURES / f"conversation.{suffix}").read_text() for suffix in SUFFIXES
}
ALL_LINES = [line for text in SOURCES.values() for line in text.split("\n")]
FORMATS = [None, "text", "vtt", "srt", "json", "html"]
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Pieces of every format's syntax, so that random input often gets past the
# first checks and exercises the parsers' inner paths.
TOKENS = [
    "\n",
    "\n\n",
    " ",
    "WEBVTT",
    "NOTE",
    "STYLE",
    "REGION",
    "1",
    "2",
    "00:00:01.000",
    "00:00:00.500",
    "00:01:02.5",
    "00:00:01,000",
    "00:00:02,000",
    "99:99:99,999",
    " --> ",
    "-->",
    "<v Ada>",
    "<v.loud Bob>",
    "</v>",
    "<b>",
    "</b>",
    "<00:00:01.500>",
    "Ada:",
    "Bob Smith:",
    "Hello",
    "world.",
    ",",
    "&amp;",
    "<cite>",
    "</cite>",
    "<time>",
    "</time>",
    "0:01",
    "1:75",
    "<p>",
    "</p>",
    "<br>",
    "<title>",
    "<script>",
    "</script>",
    "{",
    "}",
    "[",
    "]",
    ":",
    '"segments"',
    '"speaker"',
    '"startTime"',
    '"endTime"',
    '"body"',
    '"Ada"',
    '"word"',
    "1.5",
    '"2.5"',
    "-1",
    "NaN",
    "1e999",
    "null",
    "true",
    "[00:00:05]",
    "[00:01:00]",
    "Episode 4",
    "Creators and Guests",
]


def check(data, **kwargs):
    """Parse; accept a `TranscriptError`, otherwise check the result's shape."""
    try:
        parsed = parse_transcript(data, **kwargs)
    except TranscriptError as error:
        assert str(error)
        return
    assert parsed.segments
    starts = [segment.start for segment in parsed.segments]
    assert starts == sorted(starts)
    assert all(segment.text.strip() for segment in parsed.segments)
    assert all(segment.start >= 0 for segment in parsed.segments)


@st.composite
def mutations(draw, text):
    """The text with a few lines and characters deleted, inserted or duplicated."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        operation = draw(
            st.sampled_from(
                [
                    "delete line",
                    "duplicate line",
                    "insert line",
                    "swap lines",
                    "delete char",
                    "insert char",
                    "duplicate chars",
                ]
            )
        )
        i = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if operation == "delete line" and len(lines) > 1:
            del lines[i]
        elif operation == "duplicate line" and lines:
            lines.insert(i, lines[i])
        elif operation == "insert line":
            new = draw(st.sampled_from(ALL_LINES) | st.text(max_size=30))
            lines.insert(i, new)
        elif operation == "swap lines" and len(lines) > 1:
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif lines and lines[i]:
            line = lines[i]
            k = draw(st.integers(min_value=0, max_value=len(line) - 1))
            if operation == "delete char":
                lines[i] = line[:k] + line[k + 1 :]
            elif operation == "insert char":
                char = draw(
                    st.sampled_from("<>/:-.,0123456789{}[]\"' \tv")
                    | st.text(min_size=1, max_size=1)
                )
                lines[i] = line[:k] + char + line[k:]
            else:
                end = draw(st.integers(min_value=k, max_value=len(line)))
                lines[i] = line[:end] + line[k:end] + line[end:]
    return "\n".join(lines)


@FUZZ
@given(text=st.text(), format=st.sampled_from(FORMATS))
def test_any_text_in_any_format_parses_or_raises_transcript_error(text, format):
    check(text, format=format)


@FUZZ
@given(data=st.binary(), format=st.sampled_from(FORMATS))
def test_any_bytes_parse_or_raise_transcript_error(data, format):
    check(data, format=format)


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60),
    format=st.sampled_from(FORMATS),
)
def test_fragments_of_format_syntax_parse_or_raise_transcript_error(pieces, format):
    check("".join(pieces), format=format)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("named", [True, False], ids=["named", "detected"])
def test_mutated_fixtures_parse_or_raise_transcript_error(suffix, named):
    format = {"txt": "text"}.get(suffix, suffix) if named else None

    @FUZZ
    @given(text=mutations(SOURCES[suffix]))
    def run(text):
        check(text, format=format)

    run()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(["1.5", "00:00:02", "-3", "1e5", ""]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner)
    ),
    max_leaves=10,
)
json_segments = st.lists(
    st.dictionaries(
        st.sampled_from(["speaker", "startTime", "endTime", "body", "extra"]),
        json_values,
    )
    | json_values,
    max_size=8,
)


@FUZZ
@given(segments=json_segments)
def test_any_json_segments_parse_or_raise_transcript_error(segments):
    import json

    check(json.dumps({"version": "1.0.0", "segments": segments}), format="json")
