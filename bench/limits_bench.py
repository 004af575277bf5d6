"""Work on hostile-sized transcripts is bounded and linear; memory per MB.

Run: `.venv/bin/python bench/limits_bench.py [--quick]`

Two shapes the attack on the write side used: a plain-text file with a new
speaker on every turn (100,000 speakers in 2.8 MB ran quadratically in the
ingest service), and a WebVTT file of short cues (a 20 MiB file took
28.5 s). For each size, in a fresh child process, it measures the time of
`parse_transcript` with the caps raised out of the way (the parsers' own
work), the time to refusal with the default caps (what a request pays),
and the peak memory above the child's baseline, per MB of input. Times are
reported as ratios to the smallest size: linear work grows with the
input, so the ratio of time ratios to size ratios stays near 1.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary.transcripts import Limits, TranscriptError, parse_transcript  # noqa: E402

UNBOUNDED = Limits(
    max_segments=10**9, max_speakers=10**9, max_marks=10**9, max_people=10**9
)


def clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def speakers_text(n: int) -> bytes:
    """`n` turns, each by a new speaker ("Speaker Abc"), one second apart."""
    lines = ["Many voices", "", "Episode 1_transcript"]
    for i in range(n):
        name = "".join(chr(97 + (i // 26**k) % 26) for k in range(4))
        lines.append(f"Speaker {name.title()}: [{clock(i % 172_800)}] hello there")
    return ("\n".join(lines) + "\n").encode()


def vtt_cues(n: int) -> bytes:
    """`n` short WebVTT cues, a tenth of a second each."""
    parts = ["WEBVTT\n"]
    for i in range(n):
        start = i / 10
        parts.append(
            f"\n{clock(int(start))}.{int(start * 1000) % 1000:03d} --> "
            f"{clock(int(start + 0.1))}.{int((start + 0.1) * 1000) % 1000:03d}\n"
            f"<v Ann>word {i}\n"
        )
    return "".join(parts).encode()


SHAPES = {
    "speakers (text)": ("a.txt", speakers_text),
    "cues (WebVTT)": ("a.vtt", vtt_cues),
}


def _measure(shape: str, n: int, queue) -> None:
    filename, make = SHAPES[shape]
    data = make(n)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        parse_transcript(data, filename=filename, limits=UNBOUNDED)
        outcome = "parsed"
    except TranscriptError as error:
        outcome = f"refused: {error}"[:60]
    parse_seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        parse_transcript(data, filename=filename)
        refusal = "accepted"
    except TranscriptError as error:
        refusal = str(error)[:48]
    refuse_seconds = time.process_time() - started
    queue.put(
        {
            "mb": len(data) / 1e6,
            "parse": parse_seconds,
            "refuse": refuse_seconds,
            "rss_mb": (peak - baseline) / 1024,
            "outcome": outcome,
            "refusal": refusal,
        }
    )


def measure(shape: str, n: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(shape, n, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    sizes = {
        "speakers (text)": [1_000, 10_000, 100_000],
        "cues (WebVTT)": [10_000, 100_000, 1_000_000],
    }
    if args.quick:
        sizes = {shape: ns[:2] for shape, ns in sizes.items()}
    print(f"CPUs: {os.cpu_count()}; CPU seconds in a fresh process per size")
    for shape, ns in sizes.items():
        print(f"\n{shape}")
        print(
            f"{'n':>10} {'MB':>7} {'parse s':>8} {'×time':>7} {'×size':>7} "
            f"{'linear':>7} {'MiB/MB':>7} {'refused in s':>12}  default caps say"
        )
        first = None
        for n in ns:
            r = measure(shape, n)
            first = first or r
            time_ratio = r["parse"] / max(first["parse"], 1e-9)
            size_ratio = r["mb"] / first["mb"]
            print(
                f"{n:>10,} {r['mb']:>7.1f} {r['parse']:>8.2f} {time_ratio:>7.1f} "
                f"{size_ratio:>7.1f} {time_ratio / size_ratio:>7.2f} "
                f"{r['rss_mb'] / r['mb']:>7.1f} {r['refuse']:>12.2f}  {r['refusal']}"
            )


if __name__ == "__main__":
    main()
