"""Benchmark candidate extraction on the seed episode, and compare its ranking.

    .venv/bin/python bench/extract_bench.py            # timing
    .venv/bin/python bench/extract_bench.py --quality  # + ranking vs a baseline

Timing: median CPU time (`time.process_time`) of `extract_candidates` on the
seed episode (about 50 KB) and on 2, 4 and 8 copies of it passed as separate
episodes, with time(n) / time(1) to show that cost grows linearly. The
baseline, timed in the same run, is a trivial pass over the same segments:
tokenising them with the extractor's word regex. Word caches are warm after
the first repetition, as they are in a long-running process.

Corpus: when the shared corpus is there (`bench/extract_quality.py` finds
it), the same timing over its transcripts as one show's episodes, all at
once and a half of them, to show cost per episode on varied text.

Quality: the top 20 of a plain statistical baseline (n-grams of up to three
words that neither start nor end with a stopword, scored by frequency times
log2(words + 1): C-value without its nesting correction) next to the
extractor's, and where each reference concept ranks in both.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.extraction import extract_candidates  # noqa: E402
from glossary.extraction.stopwords import STOPWORDS  # noqa: E402
from glossary.extraction.tokens import WORD_RE  # noqa: E402
from glossary.linking.normalize import normalize_label  # noqa: E402
from glossary.transcripts import ParsedSegment, parse_transcript  # noqa: E402

SEED = ROOT / "fixtures" / "retort-ep04-developing-llms.txt"
COPIES = (1, 2, 4, 8)
REFERENCE = ("open source", "RLHF", "foundation model", "civil society")


def median_cpu(function: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `repeat` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def tokenise_only(episodes: Sequence[tuple[str, Sequence[ParsedSegment]]]) -> int:
    """The trivial baseline: find every word, as the extractor's first step does."""
    return sum(
        len(WORD_RE.findall(segment.text))
        for _, segments in episodes
        for segment in segments
    )


def baseline_ranking(segments: Sequence[ParsedSegment], limit: int) -> list[str]:
    """Frequency x log2(length + 1) over stopword-bounded n-grams (no nesting)."""
    counts: Counter[str] = Counter()
    for segment in segments:
        words = [word.casefold() for word in WORD_RE.findall(segment.text)]
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                    continue
                counts[" ".join(gram)] += 1
    scored = sorted(
        counts.items(),
        key=lambda item: (-item[1] * math.log2(len(item[0].split()) + 1), item[0]),
    )
    return [gram for gram, _ in scored[:limit]]


def rank_of(label: str, ranked: Sequence[str]) -> str:
    key = normalize_label(label)
    keys = [normalize_label(item) for item in ranked]
    return str(keys.index(key) + 1) if key in keys else "-"


def timing(segments: list[ParsedSegment], repeat: int) -> None:
    size = sum(len(segment.text) for segment in segments)
    print(f"seed: {len(segments)} segments, {size} characters of text")
    print(f"median CPU time over {repeat} runs (fewer for many copies)\n")
    print(
        f"{'episodes':>8} {'extract ms':>11} {'per episode':>12} {'t(n)/t(1)':>10}"
        f" {'tokenise ms':>12} {'extract/tokenise':>17}"
    )
    first = None
    for copies in COPIES:
        episodes = [(f"copy-{i}", segments) for i in range(copies)]
        runs = max(3, repeat // copies)
        extract = median_cpu(lambda eps=episodes: extract_candidates(eps), runs)
        tokenise = median_cpu(lambda eps=episodes: tokenise_only(eps), runs * 5)
        first = first or extract
        print(
            f"{copies:>8} {extract * 1000:>11.1f} {extract * 1000 / copies:>12.1f}"
            f" {extract / first:>10.2f} {tokenise * 1000:>12.2f}"
            f" {extract / tokenise:>17.0f}"
        )


def corpus_timing(repeat: int) -> None:
    from bench.extract_quality import default_corpus, read_corpus

    folder = default_corpus()
    if not folder.is_dir():
        print(f"\n(no corpus at {folder}: corpus timing skipped)")
        return
    episodes = [
        (t.name, parse_transcript(t.path.read_bytes(), filename=t.path.name).segments)
        for t in read_corpus(folder)
    ]
    print(f"\ncorpus: {len(episodes)} episodes from {folder}")
    print(f"{'episodes':>8} {'extract ms':>11} {'per episode':>12}")
    for count in (len(episodes) // 2, len(episodes)):
        chosen = episodes[:count]
        runs = max(3, repeat // 4)
        extract = median_cpu(lambda eps=chosen: extract_candidates(eps), runs)
        print(f"{count:>8} {extract * 1000:>11.1f} {extract * 1000 / count:>12.1f}")


def quality(segments: list[ParsedSegment]) -> None:
    base = baseline_ranking(segments, 500)
    ranked = [candidate.label for candidate in extract_candidates([("ep4", segments)])]
    print("\ntop 20: baseline (frequency x length) | extractor")
    for index in range(20):
        print(f"{index + 1:>3} {base[index]:<28} | {ranked[index]}")
    print("\nrank of each reference concept: baseline | extractor")
    for label in REFERENCE:
        print(f"    {label:<20} {rank_of(label, base):>5} | {rank_of(label, ranked)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="runs for 1 episode")
    parser.add_argument("--quality", action="store_true", help="compare rankings")
    args = parser.parse_args()
    segments = parse_transcript(SEED.read_bytes()).segments
    print(f"CPUs: {os.cpu_count()}")
    timing(segments, args.repeat)
    corpus_timing(args.repeat)
    if args.quality:
        quality(segments)


if __name__ == "__main__":
    main()
