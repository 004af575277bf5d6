"""One placement rule: a mention's time, exactness, surface and quote."""

import re
from pathlib import Path

import pytest

from glossary.linking.placement import place_mention

SEED = (
    Path(__file__).resolve().parent.parent / "fixtures/retort-ep04-developing-llms.txt"
)


def test_time_is_interpolated_between_the_start_and_a_mark():
    text = "x" * 40 + " about RLHF and " + "y" * 44
    place = place_mention(text, 47, 51, segment_start=60.0, marks=[[50, 80.0]])
    assert place.seconds == pytest.approx(60 + 20 * 47 / 50, abs=0.01)
    assert place.approximate
    assert place.surface == "RLHF"


def test_a_mention_at_a_mark_is_exact():
    text = "a" * 50 + " RLHF"
    place = place_mention(text, 50, 55, segment_start=0.0, marks=[[50, 12.5]])
    assert (place.seconds, place.approximate) == (12.5, False)


def test_a_mention_at_the_start_of_a_timed_turn_is_exact():
    place = place_mention("RLHF is a method.", 0, 4, segment_start=30.0)
    assert (place.seconds, place.approximate) == (30.0, False)


def test_a_mention_at_the_start_of_an_estimated_turn_is_approximate():
    place = place_mention(
        "RLHF is a method.", 0, 4, segment_start=30.0, start_estimated=True
    )
    assert place.approximate


def test_the_segments_own_end_is_preferred_to_the_next_start():
    # A cue from 10 s to 20 s, the next one at 30 s: the middle is at 15 s.
    text = "a" * 10 + "RLHF" + "b" * 6
    place = place_mention(
        text, 10, 14, segment_start=10.0, segment_end=20.0, next_start=30.0
    )
    assert place.seconds == 15.0


def test_the_next_start_ends_a_turn_without_an_end():
    text = "a" * 10 + "RLHF" + "b" * 6
    place = place_mention(text, 10, 14, segment_start=10.0, next_start=30.0)
    assert place.seconds == 20.0


def test_a_turn_without_a_span_is_placed_at_its_start():
    place = place_mention("We discuss it.", None, None, segment_start=5.0)
    assert (place.start, place.end, place.seconds, place.surface) == (
        None,
        None,
        5.0,
        "",
    )
    assert place.quote == "We discuss it."


def test_no_quote_of_the_seed_starts_or_ends_inside_a_word():
    paragraphs = [p for p in SEED.read_text().splitlines() if len(p) > 300]
    assert paragraphs
    for paragraph in paragraphs:
        for word in re.finditer(r"\w{4,}", paragraph):
            quote = place_mention(
                paragraph, word.start(), word.end(), segment_start=0.0
            ).quote
            body = quote.strip("…")
            at = paragraph.find(body)
            assert at >= 0
            assert at == 0 or not paragraph[at - 1].isalnum(), quote
            after = at + len(body)
            assert after == len(paragraph) or not paragraph[after].isalnum(), quote
