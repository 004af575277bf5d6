"""How long parsing a long episode takes, in every transcript format.

Run: `.venv/bin/python bench/parse_bench.py [--repeat N]`

Generates one deterministic 3-hour, 200,000-word conversation between two
speakers and writes it in each format the way podcast tools do: WebVTT and
SRT cues of about twelve words, JSON with one segment per word (the
heaviest shape the spec allows), HTML with a paragraph per turn, plain text
with a `[HH:MM:SS]` marker about once a minute. It reports the median time
of `parse_transcript` per format, and a baseline measured in the same run
over the same bytes (`decode_transcript` then `str.splitlines`, the least
any parser must do), with the ratio between the two. Parsing should stay
well under 2 s per format, so ingesting an episode fits in 10 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary.transcripts import decode_transcript, parse_transcript  # noqa: E402

WORDS = 200_000
SECONDS = 3 * 3600
CUE_WORDS = 12
SPEAKERS = ["Nathan Lambert", "Thomas Krendl Gilbert"]
VOCABULARY = (
    "the a of to and in that is it for open source model models language data "
    "training weights licence release community research safety policy people "
    "think really know mean kind like just about what when which would could "
    "Mistral Llama OpenAI Meta RLHF benchmark evaluation compute GPU paper"
).split()

Turn = tuple[str, list[tuple[float, str]]]  # speaker, (start, word) pairs


def conversation(seed: int = 4) -> list[Turn]:
    """Turns of 20 to 400 words, alternating speakers, evenly spread in time."""
    rng = random.Random(seed)
    step = SECONDS / WORDS
    turns: list[Turn] = []
    index = 0
    while index < WORDS:
        size = min(rng.randint(20, 400), WORDS - index)
        words = []
        for k in range(size):
            word = rng.choice(VOCABULARY)
            if k == 0:
                word = word.capitalize()
            if k == size - 1 or rng.random() < 0.07:
                word += rng.choice([".", ".", "?", ","]) if k < size - 1 else "."
            words.append((round((index + k) * step, 3), word))
        turns.append((SPEAKERS[len(turns) % 2], words))
        index += size
    return turns


def cues(turn: Turn) -> list[list[tuple[float, str]]]:
    words = turn[1]
    return [words[i : i + CUE_WORDS] for i in range(0, len(words), CUE_WORDS)]


def cue_end(cue: list[tuple[float, str]]) -> float:
    return round(cue[-1][0] + SECONDS / WORDS, 3)


def stamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def to_vtt(turns: list[Turn]) -> str:
    out = ["WEBVTT", ""]
    for turn in turns:
        for cue in cues(turn):
            out.append(f"{stamp(cue[0][0], '.')} --> {stamp(cue_end(cue), '.')}")
            out.append(f"<v {turn[0]}>" + " ".join(w for _, w in cue))
            out.append("")
    return "\n".join(out)


def to_srt(turns: list[Turn]) -> str:
    out = []
    number = 0
    for turn in turns:
        for k, cue in enumerate(cues(turn)):
            number += 1
            prefix = f"{turn[0]}: " if k == 0 else ""
            out.append(str(number))
            out.append(f"{stamp(cue[0][0], ',')} --> {stamp(cue_end(cue), ',')}")
            out.append(prefix + " ".join(w for _, w in cue))
            out.append("")
    return "\n".join(out)


def to_json(turns: list[Turn]) -> str:
    step = SECONDS / WORDS
    lines = [
        json.dumps(
            {
                "speaker": speaker,
                "startTime": t,
                "endTime": round(t + step, 3),
                "body": w,
            }
        )
        for speaker, words in turns
        for t, w in words
    ]
    return '{"version": "1.0.0", "segments": [\n' + ",\n".join(lines) + "\n]}\n"


def to_html(turns: list[Turn]) -> str:
    out = ["<!DOCTYPE html>", "<html><head><title>Benchmark</title></head><body>"]
    for speaker, words in turns:
        minutes, seconds = divmod(words[0][0], 60)
        out.append(f"<cite>{speaker}:</cite>")
        out.append(f"<time>{int(minutes)}:{seconds:06.3f}</time>")
        out.append("<p>" + " ".join(w for _, w in words) + "</p>")
    out.append("</body></html>")
    return "\n".join(out)


def to_text(turns: list[Turn]) -> str:
    out = ["Benchmark episode", "Episode 1_transcript"]
    next_marker = 0.0
    for speaker, words in turns:
        pieces = []
        for t, w in words:
            if t >= next_marker:
                pieces.append(f"[{stamp(next_marker, '.')[:8]}]")
                next_marker += 60
            pieces.append(w)
        out.append(f"{speaker}: " + " ".join(pieces))
    return "\n".join(out) + "\n"


def decode_and_split(data: bytes) -> list[str]:
    """The least any parser does: decode the bytes and cut them into lines."""
    return decode_transcript(data).splitlines()


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per format")
    repeat = parser.parse_args().repeat

    turns = conversation()
    writers = {
        "text": to_text,
        "vtt": to_vtt,
        "srt": to_srt,
        "json": to_json,
        "html": to_html,
    }
    print(
        f"{WORDS:,} words, {SECONDS // 3600} hours, {len(turns):,} turns; "
        f"median of {repeat} runs\n"
    )
    print(
        f"{'format':<6} {'size':>8} {'segments':>9} {'parse':>9} "
        f"{'baseline':>9} {'ratio':>7}"
    )
    for name, write in writers.items():
        data = write(turns).encode()
        segments = len(parse_transcript(data, format=name).segments)
        parse = median_seconds(partial(parse_transcript, data, format=name), repeat)
        baseline = median_seconds(partial(decode_and_split, data), repeat)
        print(
            f"{name:<6} {len(data) / 1e6:>6.1f}MB {segments:>9,} {parse:>8.3f}s "
            f"{baseline * 1000:>7.1f}ms {parse / baseline:>6.0f}x"
        )


if __name__ == "__main__":
    main()
