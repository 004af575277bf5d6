"""The plain-text parser on the seed episode and on small broken files."""

import re
from pathlib import Path

import pytest

from glossary.transcripts import TranscriptError, parse_transcript
from glossary.transcripts.text import parse_text

SEED = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "retort-ep04-developing-llms.txt"
)
MARKER = re.compile(r"\[\d{2}:\d{2}:\d{2}\]")


@pytest.fixture(scope="module")
def seed():
    return parse_transcript(SEED.read_bytes(), filename=SEED.name)


def test_seed_header_gives_title_and_episode_number(seed):
    assert seed.title == "Developing LLMs: Open, closed, or democratic?"
    assert seed.episode_number == 4


def test_seed_has_one_segment_per_speaker_turn(seed):
    turns = re.findall(r"^(?:Tom|Nathan): ", SEED.read_text(), flags=re.MULTILINE)
    assert len(seed.segments) == len(turns) == 77


def test_seed_turns_are_all_by_tom_or_nathan(seed):
    assert {segment.speaker for segment in seed.segments} == {"Tom", "Nathan"}
    assert seed.segments[0].speaker == "Tom"
    assert seed.segments[1].speaker == "Nathan"


def test_seed_credits_name_both_hosts(seed):
    assert [(p.name, p.role) for p in seed.people] == [
        ("Nathan Lambert", "host"),
        ("Thomas Krendl Gilbert", "host"),
    ]
    assert seed.people[0].bio.startswith("RLHF researcher")


def test_seed_uses_every_marker(seed):
    markers = MARKER.findall(SEED.read_text())
    marks = [mark.seconds for segment in seed.segments for mark in segment.marks]
    assert len(marks) == len(markers) == 58
    assert marks == [i * 60.0 for i in range(58)]


def test_seed_text_keeps_no_marker(seed):
    assert not any(MARKER.search(segment.text) for segment in seed.segments)
    assert not any("  " in segment.text for segment in seed.segments)


def test_seed_first_and_last_times(seed):
    assert seed.segments[0].start == 0.0
    assert seed.segments[0].start_estimated is False
    assert 57 * 60 < seed.segments[-1].start < 59 * 60


def test_seed_times_never_decrease(seed):
    starts = [segment.start for segment in seed.segments]
    assert starts == sorted(starts)


def test_estimated_starts_lie_between_the_markers_around_them(seed):
    exact = [(i, s.start) for i, s in enumerate(seed.segments) if not s.start_estimated]
    known = sorted(
        [m.seconds for s in seed.segments for m in s.marks] + [t for _, t in exact]
    )
    for segment in seed.segments:
        if segment.start_estimated:
            before = max((t for t in known if t <= segment.start), default=0.0)
            after = min((t for t in known if t >= segment.start), default=None)
            assert before <= segment.start
            assert after is None or segment.start <= after
            assert segment.start - before < 60


def test_a_marker_inside_a_turn_records_its_offset_in_the_clean_text(seed):
    turn = next(s for s in seed.segments if s.text.startswith("Like a private eye"))
    (mark,) = turn.marks
    assert mark.seconds == 60.0
    assert turn.text[mark.offset :].startswith("a P. I.")


def test_continuation_lines_belong_to_the_previous_turn(seed):
    assert (
        seed.segments[1].text
        == "What does that mean?\nYou have to explain before we begin."
    )


def test_a_turn_starting_on_a_marker_has_an_exact_start():
    parsed = parse_text("A: [00:00:05] Hello.\nB: [00:00:09] Hi there.\n")
    assert [(s.start, s.start_estimated) for s in parsed.segments] == [
        (5.0, False),
        (9.0, False),
    ]


def test_a_turn_between_markers_is_interpolated_by_character_offset():
    parsed = parse_text("A: [00:00:00] 0123456789\nB: abcdefghi [00:00:20] end\n")
    # B starts 11 characters after A (10 characters + separator); the next
    # marker is 10 more characters on: halfway in characters, halfway in time.
    assert parsed.segments[1].start == pytest.approx(11 / 21 * 20, abs=0.01)
    assert parsed.segments[1].start_estimated is True


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the transcript is empty", 1),
        ("\n\n  \n", "the transcript is empty", 1),
        (
            "Title\nEpisode 1\nno speaker here\njust prose\n",
            "no speaker turns found",
            3,
        ),
        ("A: [00:02:00] one\nB: [00:01:00] two\n", "goes backwards", 2),
        ("A: [00:00:00] one\nB: [00:61:00] two\n", "bad timestamp", 2),
        ("A: [00:00:00] one\nB: [00:0x:00] two\n", "bad timestamp [00:0x:00]", 2),
    ],
)
def test_bad_input_names_the_line_and_the_problem(text, message, line):
    with pytest.raises(TranscriptError) as caught:
        parse_text(text)
    assert message in str(caught.value)
    assert caught.value.line == line


def test_a_binary_file_is_refused():
    with pytest.raises(TranscriptError, match="binary file"):
        parse_transcript(b"A: hello\x00\x01\x02")


def test_invalid_utf8_names_the_line():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(b"A: hello\nB: caf\xe9\n")
    assert caught.value.line == 2
    assert "UTF-8" in str(caught.value)
