"""Cues, segments and speakers are counted while a file is read: the parser
stops at the line that crosses a cap, so a file far over a cap costs no more
than the cap's worth of work (the error's line shows where it stopped)."""

import gc
import json
import threading

import pytest

from glossary.transcripts import (
    Limits,
    TranscriptError,
    _cycle_collection_paused,
    parse_transcript,
)


def clock(seconds: float) -> str:
    whole = int(seconds)
    millis = round((seconds - whole) * 1000)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{millis:03d}"


def vtt_cues(n: int) -> str:
    """`n` cues; cue k's timing line is line 3 + 3k (0-based k)."""
    parts = ["WEBVTT", ""]
    for i in range(n):
        parts += [f"{clock(i / 10)} --> {clock(i / 10 + 0.1)}", f"word {i}", ""]
    return "\n".join(parts)


def name(i: int) -> str:
    """A different name for every i: "Aaaa", "Baaa"..."""
    return "".join(chr(97 + (i // 26**k) % 26) for k in range(4)).title()


def refusal(text: str, filename: str, **caps: int) -> str:
    with pytest.raises(TranscriptError) as raised:
        parse_transcript(text, filename=filename, limits=Limits(**caps))
    return str(raised.value)


@pytest.mark.slow  # 50 MB of WebVTT to build
def test_a_million_cue_file_stops_at_the_first_cue_over_the_default_cap():
    message = refusal(vtt_cues(1_000_000), "a.vtt")
    # Cue 200,001 (k = 200,000) is on line 3 + 3 * 200,000.
    assert message == (
        "line 600003: too many cues: 200001, over the limit of 200000 "
        "(KB_TRANSCRIPT_MAX_CUES)"
    )


def test_an_srt_file_stops_at_the_first_cue_over_the_cap():
    blocks = [
        f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i:02d},500\nA: word {i}\n"
        for i in range(50)
    ]
    message = refusal("\n".join(blocks), "a.srt", max_cues=10)
    assert message.startswith("line 42: too many cues: 11,")  # block 11's timing


def test_a_json_file_over_the_cue_cap_is_refused_before_any_item_is_read():
    items = [{"speaker": "A", "startTime": i, "body": "w"} for i in range(30)]
    text = '{\n"version": "1.0.0",\n"segments": ' + json.dumps(items) + "}"
    message = refusal(text, "a.json", max_cues=20)
    assert message.startswith("line 3: too many cues: 30, over the limit of 20")


def test_an_html_file_stops_at_the_first_paragraph_over_the_cue_cap():
    text = "\n".join(f"<p><cite>A{i}:</cite> words</p>" for i in range(40))
    message = refusal(text, "a.html", max_cues=5)
    assert message.startswith("line 6: too many cues: 6,")


def test_a_text_file_of_new_speakers_stops_at_the_first_speaker_over_the_cap():
    lines = ["Many voices", "", "Episode 1_transcript"]
    lines += [f"Speaker {name(i)}: [00:00:{i % 60:02d}] hi" for i in range(100_000)]
    message = refusal("\n".join(lines), "a.txt", max_speakers=500)
    # The 501st speaker's turn is on line 3 + 501.
    assert message.startswith("line 504: too many speakers: 501, over the limit")


def test_cues_merged_into_turns_stop_at_the_first_turn_over_the_segment_cap():
    cues = [
        f"{clock(i)} --> {clock(i + 0.5)}\n<v {'AB'[i % 2]}>turn {i}\n"
        for i in range(100)
    ]
    message = refusal("WEBVTT\n\n" + "\n".join(cues), "a.vtt", max_segments=7)
    assert message.startswith("line 24: too many segments: 8,")  # the 8th cue


def test_a_file_within_every_cap_parses():
    parsed = parse_transcript(vtt_cues(1000), filename="a.vtt")
    assert parsed.segments


def test_parsing_leaves_the_garbage_collector_on():
    parse_transcript(vtt_cues(10), filename="a.vtt")
    refusal(vtt_cues(10), "a.vtt", max_cues=5)
    assert gc.isenabled()


def test_parsing_leaves_a_garbage_collector_that_was_off_off():
    gc.disable()
    try:
        parse_transcript(vtt_cues(10), filename="a.vtt")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_stays_off_until_the_last_of_overlapping_parses_ends():
    # Thread A's parse starts, B's starts, A's ends while B's still runs.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    during_b_after_a = []

    def parse_a():
        with _cycle_collection_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def parse_b():
        a_in.wait(5)
        with _cycle_collection_paused():
            b_in.set()
            a_out.wait(5)
            during_b_after_a.append(gc.isenabled())

    threads = [threading.Thread(target=parse_a), threading.Thread(target=parse_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert during_b_after_a == [False]
    assert gc.isenabled()


def test_cues_of_one_voice_stop_when_their_turn_is_over_the_length_cap():
    cues = [f"{clock(i)} --> {clock(i + 0.5)}\n<v A>{'w' * 99}\n" for i in range(50)]
    message = refusal("WEBVTT\n\n" + "\n".join(cues), "a.vtt", max_segment_chars=1000)
    # The 11th cue makes the turn 11 * 99 + 10 = 1099 characters long.
    assert message == (
        "line 3: segment 1: text is 1099 characters long, over the limit of 1000"
    )
