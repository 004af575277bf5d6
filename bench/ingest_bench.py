"""How long ingesting a 3-hour, 200,000-word transcript takes, end to end.

Run: `.venv/bin/python bench/ingest_bench.py [--repeat N]`

Uses its own PostgreSQL database (`KB_BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/kb_bench_ingest`), created and migrated
here. For each format it times a first ingestion (parse, people, every
segment written in one transaction), a second one of the same file (nothing
to do), and one of a changed file (every segment updated in place), and
reports medians beside the baseline measured in the same run: parsing alone.
The issue's target: under 10 s for the first ingestion.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from bench._database import fresh_database

    fresh_database("postgres://postgres@127.0.0.1:5432/kb_bench_ingest")

    from bench.parse_bench import (
        conversation,
        to_html,
        to_json,
        to_srt,
        to_text,
        to_vtt,
    )
    from glossary.models import Episode
    from glossary.services.ingest import episode_ingest_transcript
    from glossary.transcripts import parse_transcript

    turns = conversation()
    writers = {
        "text": to_text,
        "vtt": to_vtt,
        "srt": to_srt,
        "json": to_json,
        "html": to_html,
    }
    print(
        f"{'format':<6} {'size':>7} {'parse':>8} {'first':>8} {'again':>8} "
        f"{'changed':>8} {'first/parse':>11}"
    )
    for fmt, write in writers.items():
        data = write(turns).encode()
        changed = data.replace(b"open source", b"open-source")
        parse, first, again, edit = [], [], [], []
        for _ in range(args.repeat):
            Episode.objects.all().delete()
            start = time.perf_counter()
            parse_transcript(data, format=fmt)
            parse.append(time.perf_counter() - start)
            for times, payload in ((first, data), (again, data), (edit, changed)):
                start = time.perf_counter()
                episode_ingest_transcript(
                    data=payload,
                    format=fmt,
                    filename=f"long.{fmt}",
                    slug="long-episode",
                )
                times.append(time.perf_counter() - start)
        p, f, a, e = (statistics.median(t) for t in (parse, first, again, edit))
        print(
            f"{fmt:<6} {len(data) / 1e6:>6.1f}M {p:>7.2f}s {f:>7.2f}s "
            f"{a:>7.2f}s {e:>7.2f}s {f / p:>10.1f}x"
        )


if __name__ == "__main__":
    main()
