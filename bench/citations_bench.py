"""How long proposing candidates and refreshing citations take per episode.

Run: `.venv/bin/python bench/citations_bench.py [--repeat N]`

Uses its own PostgreSQL database (`KB_BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/kb_bench_citations`), created here. It
ingests 1, 2, 4 and 8 copies of the seed episode (50 KB, one hour each),
proposes candidates, then times, as medians of CPU seconds in this process:

- `propose`: `terms_propose_candidates` over all episodes (extraction + writes);
- `refresh`: `citations_refresh` from scratch (every citation created);
- `again`: `citations_refresh` when nothing changed (the idempotent path);
- `floor`: the linker alone over the same segments (`matcher.find` per
  segment), the least a refresh must do; measured in the same run.

The issue's targets: each well under a second of CPU for one episode, and
growing linearly with the number of episodes (see the per-episode columns).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu(function) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from bench._database import fresh_database

    fresh_database("postgres://postgres@127.0.0.1:5432/kb_bench_citations")

    from glossary.matchers import current_glossary
    from glossary.models import Citation, Episode, Segment, Term
    from glossary.services.citations import citations_refresh
    from glossary.services.extraction import terms_propose_candidates
    from glossary.services.ingest import episode_ingest_transcript

    seed = (ROOT / "fixtures" / "retort-ep04-developing-llms.txt").read_bytes()
    print(
        f"{'episodes':>8} {'propose':>8} {'refresh':>8} {'again':>8} {'floor':>8} "
        f"{'refresh/ep':>10} {'refresh/floor':>13} {'citations':>9}"
    )
    count = 0
    for episodes in (1, 2, 4, 8):
        while count < episodes:
            count += 1
            text = seed.replace(
                b"Episode 4_transcript", f"Episode {100 + count}_transcript".encode()
            )
            episode_ingest_transcript(data=text, filename=f"copy{count}.txt")
        propose, refresh, again, floor = [], [], [], []
        for _ in range(args.repeat):
            Term.objects.all().delete()
            propose.append(cpu(terms_propose_candidates))
            refresh.append(cpu(citations_refresh))
            again.append(cpu(citations_refresh))
            matcher = current_glossary(include_drafts=True).matcher
            texts = list(Segment.objects.values_list("text", flat=True))
            floor.append(
                cpu(
                    lambda m=matcher, ts=texts: [
                        m.find(t, first_only=False) for t in ts
                    ]
                )
            )
        p, r, a, f = (statistics.median(x) for x in (propose, refresh, again, floor))
        print(
            f"{episodes:>8} {p:>7.3f}s {r:>7.3f}s {a:>7.3f}s {f:>7.3f}s "
            f"{r / episodes:>9.3f}s {r / f:>12.1f}x {Citation.objects.count():>9}"
        )
    assert Episode.objects.count() == 8


if __name__ == "__main__":
    main()
