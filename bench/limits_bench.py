"""Work on hostile-sized transcripts is bounded and linear; memory per MB.

Run: `.venv/bin/python bench/limits_bench.py [--quick]`

Two shapes the attack on the write side used: a plain-text file with a new
speaker on every turn (100,000 speakers in 2.8 MB ran quadratically in the
ingest service), and a WebVTT file of short cues (a 20 MiB file took
28.5 s). For each size, in a fresh child process (warmed up on a small file), it
measures the time of `parse_transcript` with the caps raised out of the way
(the parsers' own work), the time to refusal with the default caps (what a
request pays: the parsers stop at the cap), and the peak memory above the
child's baseline, per MB of input. Times are per item and as a ratio to
the smallest size: linear work grows with the input, so `linear` (the
ratio of time ratios to size ratios) stays near 1.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary.transcripts import Limits, TranscriptError, parse_transcript  # noqa: E402

UNBOUNDED = Limits(
    max_segments=10**9,
    max_cues=10**9,
    max_speakers=10**9,
    max_marks=10**9,
    max_people=10**9,
)
# Each size is parsed up to this many times in its process (until the runs
# add up to REPEAT_SECONDS) and the fastest run kept: the machine is shared,
# and one run of a small size is mostly noise.
REPEATS = 3
REPEAT_SECONDS = 2.0


def _enough(times: list[float]) -> bool:
    return len(times) >= REPEATS or sum(times) >= REPEAT_SECONDS


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
    # Warm up on a small file (imports, compiled patterns, first calls), so
    # the smallest size is not charged for them.
    parse_transcript(make(100), filename=filename, limits=UNBOUNDED)
    gc.collect()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    outcome = "parsed"
    while not _enough(times):
        started = time.process_time()
        try:
            parsed = parse_transcript(data, filename=filename, limits=UNBOUNDED)
            del parsed
        except TranscriptError as error:
            outcome = f"refused: {error}"[:60]
        times.append(time.process_time() - started)
        gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refusals = []
    while not _enough(refusals):
        started = time.process_time()
        try:
            parse_transcript(data, filename=filename)
            refusal = "accepted"
        except TranscriptError as error:
            refusal = str(error)[:60]
        refusals.append(time.process_time() - started)
    queue.put(
        {
            "mb": len(data) / 1e6,
            "parse": min(times),
            "refuse": min(refusals),
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
    print(
        f"CPUs: {os.cpu_count()}; CPU seconds in a fresh process per size, "
        f"fastest of up to {REPEATS}"
    )
    for shape, ns in sizes.items():
        print(f"\n{shape}")
        print(
            f"{'n':>10} {'MB':>7} {'parse s':>8} {'µs/item':>8} {'linear':>7} "
            f"{'MiB/MB':>7} {'refused in s':>12}  default caps say"
        )
        first = None
        for n in ns:
            r = measure(shape, n)
            first = first or r
            time_ratio = r["parse"] / max(first["parse"], 1e-9)
            size_ratio = r["mb"] / first["mb"]
            print(
                f"{n:>10,} {r['mb']:>7.1f} {r['parse']:>8.2f} "
                f"{r['parse'] / n * 1e6:>8.1f} {time_ratio / size_ratio:>7.2f} "
                f"{r['rss_mb'] / r['mb']:>7.1f} {r['refuse']:>12.3f}  {r['refusal']}"
            )


if __name__ == "__main__":
    main()
