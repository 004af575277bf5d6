"""Transcripts as real shows publish them: overlapping times, credentials,
diarization placeholders, label-like lines that are not labels."""

import pytest

from glossary.transcripts import TranscriptError, parse_transcript
from glossary.transcripts.labels import clean_label, is_placeholder


def turns(parsed):
    return [(segment.speaker, segment.text) for segment in parsed.segments]


DIARIZED_TEXT = """Speaker 1: [00:00:00] Welcome back to the show.
Speaker 2: [00:00:04] Thanks for having me.
Speaker 1: [00:00:07] Let's talk about caching.
"""


def test_diarized_plain_text_becomes_turns_of_placeholder_speakers():
    parsed = parse_transcript(DIARIZED_TEXT)
    assert turns(parsed) == [
        ("Speaker 1", "Welcome back to the show."),
        ("Speaker 2", "Thanks for having me."),
        ("Speaker 1", "Let's talk about caching."),
    ]
    assert [segment.start for segment in parsed.segments] == [0.0, 4.0, 7.0]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("SPEAKER_00: [00:00:00] Hello there.\nSPEAKER_01: Hi.\n", "text"),
        ("[Speaker 1] [00:00:00] Hello there.\n[Speaker 2] Hi.\n", "text"),
        ("[SPEAKER_00]: Hello there.\n[SPEAKER_01]: Hi.\n", "text"),
        (
            "1\n00:00:00,000 --> 00:00:02,000\nSpeaker 1: Hello there.\n\n"
            "2\n00:00:02,000 --> 00:00:03,000\nSpeaker 2: Hi.\n",
            "srt",
        ),
        (
            "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Speaker 1>Hello there.\n\n"
            "00:02.000 --> 00:03.000\n<v Speaker 2>Hi.\n",
            "vtt",
        ),
        (
            "WEBVTT\n\n00:00.000 --> 00:02.000\nSPEAKER_00: Hello there.\n\n"
            "00:02.000 --> 00:03.000\nSPEAKER_01: Hi.\n",
            "vtt",
        ),
        (
            '{"segments": [{"speaker": "Speaker 1", "startTime": 0, '
            '"body": "Hello there."}, {"speaker": "Speaker 2", "startTime": 2, '
            '"body": "Hi."}]}',
            "json",
        ),
        (
            "<cite>[Speaker 1]:</cite><time>0:00</time><p>Hello there.</p>"
            "<cite>Speaker 2:</cite><time>0:02</time><p>Hi.</p>",
            "html",
        ),
    ],
)
def test_diarization_placeholders_are_speakers_in_every_format(data, name):
    parsed = parse_transcript(data, format=name)
    assert [text for _, text in turns(parsed)] == ["Hello there.", "Hi."]
    assert all(is_placeholder(speaker) for speaker in parsed.speakers)
    assert len(parsed.speakers) == 2


@pytest.mark.parametrize(
    ("label", "placeholder"),
    [
        ("Speaker 1", True),
        ("SPEAKER_00", True),
        ("speaker B", True),
        ("Unknown Speaker", True),
        ("Spk 12", True),
        ("Jane Doe", False),
        ("Speakerman", False),
        ("", False),
    ],
)
def test_placeholder_labels_are_told_from_names(label, placeholder):
    assert is_placeholder(label) is placeholder


def test_a_placeholder_among_named_labels_is_a_turn_of_its_own():
    parsed = parse_transcript(
        "Ada Lovelace: [00:00:00] First point.\n"
        "Speaker 3: I disagree.\n"
        "Ada Lovelace: Go on.\n"
    )
    assert [speaker for speaker, _ in turns(parsed)] == [
        "Ada Lovelace",
        "Speaker 3",
        "Ada Lovelace",
    ]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Jane Doe, PsyD", "Jane Doe"),
        ("Jane Doe, M.D., MPH", "Jane Doe"),
        ("Dr. Jane Doe", "Jane Doe"),
        ("Prof Jane Doe", "Jane Doe"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("So here is what I think", None),
        ("jane doe", None),
    ],
)
def test_credentials_and_titles_are_dropped_from_labels(written, name):
    assert clean_label(written) == name


def test_a_guest_with_credentials_gets_her_own_turns():
    parsed = parse_transcript(
        "Adam Stacoviak: [00:00:00] Welcome, Mireille.\n"
        "Mireille Reece, PsyD: Thanks, Adam.\n"
        "Adam Stacoviak: So, caffeine.\n"
        "Dr. Mireille Reece: Yes, caffeine.\n"
    )
    assert [speaker for speaker, _ in turns(parsed)] == [
        "Adam Stacoviak",
        "Mireille Reece",
        "Adam Stacoviak",
        "Mireille Reece",
    ]


def test_a_line_that_looks_like_a_label_is_reported_with_its_line():
    parsed = parse_transcript(
        "Ada Lovelace: [00:00:00] First point.\n"
        "Bob (guest): I disagree.\n"
        "Ada Lovelace: Go on.\n"
    )
    assert len(parsed.segments) == 2
    [warning] = parsed.warnings
    assert warning.line == 2
    assert "'Bob (guest)' looks like a speaker label" in warning.message
    assert "Ada Lovelace's turn" in warning.message


def test_a_transcript_without_odd_lines_has_no_warnings():
    assert parse_transcript(DIARIZED_TEXT).warnings == []


@pytest.mark.parametrize(
    ("data", "name", "line"),
    [
        ("A: [00:20:12] one\nB: [00:20:11] two\nA: [00:20:30] three\n", "text", 2),
        (
            "WEBVTT\n\n00:20.000 --> 00:22.000\nA: one\n\n"
            "00:19.000 --> 00:21.000\nB: two\n",
            "vtt",
            6,
        ),
        (
            "1\n00:00:20,000 --> 00:00:22,000\nA: one\n\n"
            "2\n00:00:19,000 --> 00:00:21,000\nB: two\n",
            "srt",
            6,
        ),
        (
            '{"segments": [\n{"speaker": "A", "startTime": 20, "body": "one"},\n'
            '{"speaker": "B", "startTime": 19, "body": "two"}]}',
            "json",
            3,
        ),
        (
            "<cite>A:</cite><time>0:20</time><p>one</p>\n"
            "<cite>B:</cite><time>0:19</time><p>two</p>",
            "html",
            2,
        ),
    ],
)
def test_a_small_step_back_in_time_is_clamped_and_reported(data, name, line):
    parsed = parse_transcript(data, format=name)
    starts = [segment.start for segment in parsed.segments]
    assert starts == sorted(starts)
    assert starts[1] == starts[0]
    [warning] = parsed.warnings
    assert "overlapping speech" in warning.message
    assert warning.line == line


def test_a_large_step_back_in_time_is_still_refused_naming_the_line():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("A: [00:20:12] one\nB: [00:10:11] two\n")
    assert "goes backwards" in caught.value.message
    assert caught.value.line == 2
