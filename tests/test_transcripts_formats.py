"""WebVTT, SRT, JSON and HTML transcripts, format detection and bad input.

The small files here follow the shapes the Podcasting 2.0 transcript spec
shows; `fixtures/transcripts/conversation.*` is one short conversation in
all five formats.
"""

import json
from pathlib import Path

import pytest

from glossary.transcripts import (
    FORMATS,
    TranscriptError,
    detect_format,
    parse_transcript,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"
CONVERSATION = [
    (
        "Nathan Lambert",
        "Welcome to The Retort. Today we are talking about open source language "
        "models, and what open even means.",
        0.0,
    ),
    (
        "Thomas Krendl Gilbert",
        "Thanks, Nate. I think open is doing a lot of work in that sentence.",
        7.5,
    ),
    (
        "Nathan Lambert",
        "Fair. Open weights are not the same thing as open source.",
        12.0,
    ),
    (
        "Thomas Krendl Gilbert",
        "Right, and the licence decides what you can build on top of it.",
        17.25,
    ),
]
SUFFIXES = ["txt", "vtt", "srt", "json", "html"]


def conversation(suffix):
    path = FIXTURES / f"conversation.{suffix}"
    return parse_transcript(path.read_bytes(), filename=path.name)


def turns(parsed):
    return [(s.speaker, s.text) for s in parsed.segments]


def error_for(data, **kwargs):
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, **kwargs)
    return caught.value


# The same conversation in every format


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_conversation_gives_the_same_turns_in_every_format(suffix):
    assert turns(conversation(suffix)) == [(s, t) for s, t, _ in CONVERSATION]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_conversation_gives_the_same_start_times_in_every_format(suffix):
    starts = [s.start for s in conversation(suffix).segments]
    assert starts == [start for _, _, start in CONVERSATION]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_starts_the_file_gives_are_not_flagged_estimated(suffix):
    assert not any(s.start_estimated for s in conversation(suffix).segments)


@pytest.mark.parametrize(
    ("suffix", "name"),
    [
        ("txt", "text"),
        ("vtt", "vtt"),
        ("srt", "srt"),
        ("json", "json"),
        ("html", "html"),
    ],
)
def test_the_parsed_transcript_names_its_format(suffix, name):
    assert conversation(suffix).format == name


@pytest.mark.parametrize("suffix", ["vtt", "srt", "json"])
def test_a_turn_ends_where_its_last_cue_ends(suffix):
    assert [s.end for s in conversation(suffix).segments] == [7.5, 12.0, 17.25, 22.0]


@pytest.mark.parametrize("suffix", ["vtt", "srt", "json"])
def test_a_turn_merged_from_cues_keeps_each_cue_start_as_a_mark(suffix):
    first = conversation(suffix).segments[0]
    assert [(m.offset, m.seconds) for m in first.marks] == [(0, 0.0), (79, 4.0)]
    assert first.text[79:].startswith("and what open")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_conversation_is_detected_from_its_content_alone(suffix):
    path = FIXTURES / f"conversation.{suffix}"
    assert turns(parse_transcript(path.read_bytes())) == turns(conversation(suffix))


# WebVTT

STYLED_VTT = """WEBVTT

STYLE
::cue(.yellow) { color: yellow; }

REGION
id:fred width:40%

NOTE This note holds no speech.

00:00:01.000 --> 00:00:04.000 region:fred
<v Ada>We <b>really</b> <i>mean</i> it, <c.yellow.big>right</c> <lang en-GB>now</lang>.

00:00:04.000 --> 00:00:06.000
<00:00:04.000><c>karaoke</c> <00:00:05.000><c>words</c>
"""


def test_vtt_styling_and_timestamp_tags_are_removed_from_the_text():
    parsed = parse_transcript(STYLED_VTT, format="vtt")
    assert parsed.segments[0].text == "We really mean it, right now. karaoke words"


def test_vtt_note_style_and_region_blocks_give_no_text():
    parsed = parse_transcript(STYLED_VTT, format="vtt")
    assert len(parsed.segments) == 1
    assert "yellow" not in parsed.segments[0].text


def test_vtt_cue_without_a_voice_continues_the_turn_before_it():
    parsed = parse_transcript(STYLED_VTT, format="vtt")
    assert parsed.segments[0].speaker == "Ada"
    assert parsed.segments[0].end == 6.0


def test_vtt_voice_with_a_class_names_the_speaker():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud.first Grace Hopper>Hello.</v>\n"
    assert parse_transcript(text, format="vtt").segments[0].speaker == "Grace Hopper"


def test_vtt_cue_with_two_voices_becomes_two_turns_the_second_estimated():
    text = (
        "WEBVTT\n\n00:00:10.000 --> 00:00:20.000\n<v Ada>Hi there.</v>\n<v Bob>Hello.\n"
    )
    first, second = parse_transcript(text, format="vtt").segments
    assert (first.speaker, first.text, first.start) == ("Ada", "Hi there.", 10.0)
    assert (second.speaker, second.text) == ("Bob", "Hello.")
    # "Hello." starts 10 characters into the 16 of the cue.
    assert second.start == pytest.approx(10 + 10 * 10 / 16, abs=0.001)
    assert second.start_estimated is True


def test_vtt_character_references_are_decoded():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ada>R&amp;D &lt;3 caf&eacute;\n"
    assert parse_transcript(text, format="vtt").segments[0].text == "R&D <3 café"


def test_vtt_without_voice_spans_reads_name_prefixes():
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nAda: Hello.\n\n"
        "00:02.000 --> 00:03.000\nBob: Hi.\n"
    )
    assert turns(parse_transcript(text, format="vtt")) == [
        ("Ada", "Hello."),
        ("Bob", "Hi."),
    ]


def test_vtt_turn_line_is_its_first_cue_timing_line():
    assert [s.line for s in conversation("vtt").segments] == [11, 20, 24, 32]


# SRT

SPEAKER_CHANGE_SRT = """1
00:00:00,000 --> 00:00:04,000
Ada: So that is the plan.

2
00:00:04,000 --> 00:00:10,000
We start on Monday.
Bob: Sounds good to me.

3
00:00:10,000 --> 00:00:12,000
Bob: <i>Really</i> good.
"""


def test_srt_speaker_change_on_a_cue_second_line_splits_the_cue():
    assert turns(parse_transcript(SPEAKER_CHANGE_SRT, format="srt")) == [
        ("Ada", "So that is the plan. We start on Monday."),
        ("Bob", "Sounds good to me. Really good."),
    ]


def test_srt_second_speaker_in_a_cue_starts_at_its_character_offset():
    bob = parse_transcript(SPEAKER_CHANGE_SRT, format="srt").segments[1]
    # "Sounds good..." starts 20 characters into the 38 of cue 2 (4 s to 10 s).
    assert bob.start == pytest.approx(4 + 6 * 20 / 38, abs=0.001)
    assert bob.start_estimated is True


def test_srt_first_speaker_in_a_split_cue_ends_where_the_second_starts():
    ada, bob = parse_transcript(SPEAKER_CHANGE_SRT, format="srt").segments
    assert ada.end == bob.start


def test_srt_without_index_lines_is_read():
    text = (
        "00:00:01,000 --> 00:00:02,000\nAda: One.\n\n"
        "00:00:02,000 --> 00:00:03,000\nBob: Two.\n"
    )
    assert turns(parse_transcript(text, format="srt")) == [
        ("Ada", "One."),
        ("Bob", "Two."),
    ]


def test_srt_cues_without_any_speaker_make_one_turn():
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nOne.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nTwo.\n"
    )
    assert turns(parse_transcript(text, format="srt")) == [(None, "One. Two.")]


# JSON

WORDS = [
    ("Ada", 0.0, "Thanks"),
    (None, 0.3, ","),
    (None, 0.4, "Bob"),
    (None, 0.7, "."),
    (None, 0.8, "It's"),
    (None, 1.1, "open"),
    (None, 1.3, "("),
    (None, 1.4, "mostly"),
    (None, 1.8, ")"),
    (None, 1.9, "!"),
    ("Bob", 2.5, "I"),
    ("Bob", 2.7, "don"),
    ("Bob", 2.9, "'t"),
    ("Bob", 3.0, "agree"),
    ("Bob", 3.4, "."),
]


def word_level_json():
    segments = []
    for speaker, start, body in WORDS:
        segment = {"startTime": start, "endTime": round(start + 0.1, 1), "body": body}
        if speaker:
            segment["speaker"] = speaker
        segments.append(segment)
    return json.dumps({"version": "1.0.0", "segments": segments}, indent=2)


def test_word_level_json_becomes_readable_turns():
    assert turns(parse_transcript(word_level_json(), format="json")) == [
        ("Ada", "Thanks, Bob. It's open (mostly)!"),
        ("Bob", "I don't agree."),
    ]


def test_word_level_json_keeps_a_word_start_as_a_mark_about_every_second():
    ada = parse_transcript(word_level_json(), format="json").segments[0]
    assert [(m.offset, m.seconds) for m in ada.marks] == [
        (0, 0.0),
        (ada.text.index("open"), 1.1),
    ]


def test_json_times_may_be_numeric_or_clock_strings():
    data = {
        "segments": [
            {"speaker": "Ada", "startTime": "1.5", "endTime": "2", "body": "One."},
            {"speaker": "Bob", "startTime": "00:00:02.250", "body": "Two."},
        ]
    }
    parsed = parse_transcript(json.dumps(data), format="json")
    assert [(s.start, s.end) for s in parsed.segments] == [(1.5, 2.0), (2.25, None)]


def test_json_segments_with_an_empty_body_are_skipped():
    data = {
        "segments": [
            {"speaker": "Ada", "startTime": 1, "body": " "},
            {"speaker": "Bob", "startTime": 2, "body": "Two."},
        ]
    }
    assert turns(parse_transcript(json.dumps(data), format="json")) == [("Bob", "Two.")]


# HTML

UNTIMED_HTML = """<html><body>
<cite>Ada:</cite>
<p>Fifteen chars.</p>
<cite>Bob:</cite>
<p>This paragraph is thirty chars</p>
<cite>Ada:</cite>
<p>End.</p>
</body></html>
"""


def test_html_without_times_gets_starts_flagged_estimated():
    parsed = parse_transcript(UNTIMED_HTML, format="html")
    assert [s.start_estimated for s in parsed.segments] == [True, True, True]


def test_html_without_times_is_timed_at_fifteen_characters_a_second():
    starts = [s.start for s in parse_transcript(UNTIMED_HTML, format="html").segments]
    assert starts == [0.0, 1.0, 3.067]


def test_html_paragraph_between_two_times_is_interpolated_by_character_offset():
    html = (
        "<cite>Ada</cite><time>0:10</time><p>0123456789</p>"
        "<cite>Bob</cite><p>abcdefghi</p>"
        "<cite>Ada</cite><time>0:30</time><p>end</p>"
    )
    bob = parse_transcript(html, format="html").segments[1]
    assert bob.start == pytest.approx(10 + 20 * 11 / 21, abs=0.001)
    assert bob.start_estimated is True


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0:00", 0.0),
        ("00:01:05", 65.0),
        ("1:05.5", 65.5),
        ("75:30", 4530.0),
        ("42", 42.0),
    ],
)
def test_html_times_are_read_in_the_usual_forms(value, seconds):
    html = f"<cite>Ada</cite><time>{value}</time><p>Hello.</p>"
    assert parse_transcript(html, format="html").segments[0].start == seconds


def test_html_time_datetime_attribute_is_used_when_the_text_is_not_a_time():
    html = '<cite>Ada</cite><time datetime="00:02:03">two minutes in</time><p>Hi.</p>'
    assert parse_transcript(html, format="html").segments[0].start == 123.0


def test_html_title_scripts_and_paragraph_markup():
    html = (
        "<html><head><title>Episode 9</title><script>var p = '<p>no</p>';</script>"
        "</head><body><h1>Transcript</h1><cite>Ada:</cite><time>0:01</time>"
        "<p>Open <a href='/x'>weights</a>,<br>open data &amp; code.</p></body></html>"
    )
    parsed = parse_transcript(html, format="html")
    assert parsed.title == "Episode 9"
    assert turns(parsed) == [("Ada", "Open weights, open data & code.")]


def test_html_cite_and_time_inside_the_paragraph_are_read():
    html = (
        "<p><cite>Ada:</cite> <time>0:03</time> Hello.</p><p><cite>Bob:</cite> Hi.</p>"
    )
    parsed = parse_transcript(html, format="html")
    assert turns(parsed) == [("Ada", "Hello."), ("Bob", "Hi.")]
    assert parsed.segments[0].start == 3.0


# Long speakerless runs


def test_speakerless_cues_are_cut_into_paragraphs_at_sentence_ends():
    cues = [
        f"{i + 1}\n00:{i // 60:02d}:{i % 60:02d},000 --> "
        f"00:{i // 60:02d}:{i % 60:02d},900\n"
        f"Sentence number {i} of a long monologue without names.\n"
        for i in range(120)
    ]
    parsed = parse_transcript("\n".join(cues), format="srt")
    assert len(parsed.segments) > 1
    assert all(s.speaker is None for s in parsed.segments)
    assert all(s.text.endswith(".") for s in parsed.segments)
    assert all(len(s.text) < 1100 for s in parsed.segments)


# Detection


@pytest.mark.parametrize(
    ("filename", "name"),
    [
        ("episode.vtt", "vtt"),
        ("EPISODE.VTT", "vtt"),
        ("episode.srt", "srt"),
        ("episode.json", "json"),
        ("episode.html", "html"),
        ("episode.htm", "html"),
        ("episode.txt", "text"),
        ("https://cdn.example.com/ep4/transcript.srt?token=abc", "srt"),
    ],
)
def test_format_is_detected_from_the_file_name(filename, name):
    assert detect_format("", filename) == name


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", "vtt"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt"),
        ("\n\n12\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt"),
        ('{"version": "1.0.0", "segments": []}', "json"),
        ('  [{"startTime": 0}]', "json"),
        ("<!DOCTYPE html><html></html>", "html"),
        ("<cite>Ada:</cite><time>0:00</time><p>Hi</p>", "html"),
        ("Ada: [00:00:00] Hello.\n", "text"),
        ("[00:00:00] Ada: Hello.\n", "text"),
        ("00:00:01.000 --> 00:00:02.000\nHi\n", "vtt"),
    ],
)
def test_format_is_detected_from_the_content(content, name):
    assert detect_format(content) == name


def test_unknown_extension_falls_back_to_the_content():
    assert detect_format("WEBVTT\n", "transcript.dat") == "vtt"


def test_known_extension_wins_over_the_content():
    assert detect_format("WEBVTT\n", "transcript.txt") == "text"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("text/vtt", "vtt"),
        ("application/x-subrip", "srt"),
        ("application/json", "json"),
        ("text/html", "html"),
        ("text/plain", "text"),
        ("VTT", "vtt"),
    ],
)
def test_format_may_be_named_by_the_feed_mime_type(given, name):
    suffix = {"text": "txt"}.get(name, name)
    path = FIXTURES / f"conversation.{suffix}"
    assert parse_transcript(path.read_bytes(), format=given).format == name


# Bad input


@pytest.mark.parametrize(
    ("data", "name", "message", "line"),
    [
        ("00:01.000 --> 00:02.000\nHi\n", "vtt", "missing the WEBVTT header", 1),
        (
            "WEBVTT\n\n00:01.000 --> 00:61.000\nHi\n",
            "vtt",
            "bad timestamp '00:61.000': minutes and seconds must be below 60",
            3,
        ),
        (
            "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi\n",
            "vtt",
            "WebVTT puts a dot before the milliseconds",
            3,
        ),
        ("WEBVTT\n\n00:00:01.000 --> soon\nHi\n", "vtt", "bad timestamp 'soon'", 3),
        (
            "WEBVTT\n\n00:05.000 --> 00:02.000\nHi\n",
            "vtt",
            "the cue ends (00:00:02) before it starts (00:00:05)",
            3,
        ),
        (
            "WEBVTT\n\n00:50.000 --> 00:51.000\nA\n\n00:02.000 --> 00:03.000\nB\n",
            "vtt",
            "time 00:00:02 goes backwards: the cue before it, on line 3, "
            "starts at 00:00:50",
            6,
        ),
        ("WEBVTT\n\nNOTE nothing here\n", "vtt", "no text found", None),
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n", "vtt", "missing the WEBVTT", 1),
        (
            "\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nHi\n",
            "vtt",
            "the WEBVTT header must be the first line, not line 3",
            1,
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nso A --> B\n",
            "vtt",
            "'-->' outside a cue timing line",
            4,
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nA\n00:00:03,000 --> 00:00:04,000\nB\n",
            "srt",
            "a timing line inside a cue's text: is the blank line before it missing?",
            4,
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n"
            "2\n00:00:02,000 --> 00:00:99,000\nB\n",
            "srt",
            "bad timestamp '00:00:99,000'",
            6,
        ),
        ("1\n00:00:05,000 --> 00:00:02,000\nHi\n", "srt", "before it starts", 2),
        (
            "1\n00:00:50,000 --> 00:00:51,000\nA\n\n"
            "2\n00:00:01,000 --> 00:00:02,000\nB\n",
            "srt",
            "goes backwards",
            6,
        ),
        ("Ada: hello\nBob: hi\n", "srt", "not a subtitle", 1),
        ("", "srt", "no text found", None),
        (
            '{\n  "segments": [\n    {"startTime": 1, "body": "a"},\n  ]\n}',
            "json",
            "invalid JSON: Expecting value (column 3)",
            4,
        ),
        (
            '["not", "an", "object"]',
            "json",
            "expected a JSON object with a 'segments' list",
            1,
        ),
        ('{"version": "1.0.0"}', "json", "no 'segments' list", 1),
        (
            '{\n"version": "1.0.0",\n"segments": {"a": 1}}',
            "json",
            "'segments' must be a list, found an object",
            3,
        ),
        (
            '{"segments": [\n  {"startTime": 1, "body": "a"},\n  {"startTime": "soon", '
            '"body": "b"}\n]}',
            "json",
            'segment 2: startTime must be a number of seconds, found "soon"',
            3,
        ),
        (
            '{"segments": [\n  {"startTime": 1, "body": "a"},\n  {"startTime": 2}\n]}',
            "json",
            "segment 2: body is missing",
            3,
        ),
        (
            '{"segments": [{"startTime": 3, "endTime": 1, "body": "a"}]}',
            "json",
            "segment 1: endTime 00:00:01 is before startTime 00:00:03",
            1,
        ),
        (
            '{"segments": [\n{"startTime": 30, "body": "a"},\n'
            '{"startTime": 1, "body": "b"}]}',
            "json",
            "segment 2: startTime 00:00:01 goes backwards: segment 1 starts at",
            3,
        ),
        (
            '{"segments": [{"startTime": true, "body": "a"}]}',
            "json",
            "segment 1: startTime must be a number of seconds, found true",
            1,
        ),
        (
            '{"segments": [{"startTime": 1, "body": "a", "speaker": 7}]}',
            "json",
            "segment 1: speaker must be a string, found a number",
            1,
        ),
        ('{"segments": []}', "json", "no text found", None),
        (
            "<cite>A</cite>\n<time>1:75</time><p>x</p>",
            "html",
            "bad timestamp '1:75'",
            2,
        ),
        (
            "<time>0:30</time><p>x</p>\n<time>0:05</time><p>y</p>",
            "html",
            "time 00:00:05 goes backwards: the <time> before it, on line 1, "
            "says 00:00:30",
            2,
        ),
        (
            "<html><body><h1>Nothing</h1></body></html>",
            "html",
            "no <p> paragraphs",
            None,
        ),
    ],
)
def test_bad_input_names_the_problem_and_the_line(data, name, message, line):
    error = error_for(data, format=name)
    assert message in error.message
    assert error.line == line


def test_unknown_format_lists_the_known_ones():
    error = error_for("Ada: hi", format="docx")
    assert error.message == (
        "unknown transcript format 'docx' (known: html, json, srt, text, vtt)"
    )


def test_a_file_over_the_size_limit_names_the_size_and_the_limit():
    error = error_for(b"Ada: " + b"x" * 2000, max_bytes=1000)
    assert error.message == "the file is 2005 bytes, over the limit of 1000 bytes"


def test_a_text_over_the_size_limit_is_measured_in_utf8_bytes():
    error = error_for("Ada: " + "é" * 600, max_bytes=1000)
    assert "1205 bytes" in error.message


def test_a_file_at_the_size_limit_is_parsed():
    data = (FIXTURES / "conversation.srt").read_bytes()
    assert parse_transcript(data, format="srt", max_bytes=len(data)).segments


@pytest.mark.parametrize("name", ["vtt", "srt", "json", "html"])
def test_invalid_utf8_names_the_line_in_every_format(name):
    error = error_for(b"first line\nsecond \xff line\n", format=name)
    assert "invalid UTF-8" in error.message
    assert error.line == 2


def test_a_library_error_a_parser_does_not_expect_becomes_a_transcript_error(
    monkeypatch,
):
    def broken(text):
        raise KeyError("surprise")

    monkeypatch.setitem(FORMATS, "vtt", broken)
    error = error_for("WEBVTT\n", format="vtt")
    assert "could not read this file as vtt" in error.message
