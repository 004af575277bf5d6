"""Share of an editor's concepts kb proposes, against gold lists; YAKE beside it.

    .venv/bin/python bench/extract_quality.py                 # the shared corpus
    .venv/bin/python bench/extract_quality.py --corpus DIR    # any other folder

A corpus folder holds transcripts (`NAME.txt`, `.vtt`, ...) and, for some of
them, `NAME.gold.txt`: one concept a line, its accepted surface forms
separated by `|`, `#` lines comments (`shared/data/corpus/README.md`). The
show of a file is its name before the last "-" (`gotime-321` → `gotime`).

Two settings, both through kb's own services on a fresh PostgreSQL database
(`KB_BENCH_DATABASE_URL`, default `kb_bench_extract_quality`):

- **alone**: each transcript with a gold list is ingested into an empty
  database and candidates are proposed; the list is the episode's review
  queue.
- **corpus**: every transcript of the folder in one database (their shows
  as above), candidates proposed once; the list is each gold episode's
  review queue.

For each list: recall@25/50/100 (share of gold concepts that one of the first
k candidates names, by label or alias) and top-50 precision (share of the
first 50 candidates that name a gold concept). A candidate names a concept
when one of its forms equals one of the concept's, compared case-, hyphen-
and plural-insensitively (the way kb's linker folds them).

The seed episode (`fixtures/retort-ep04-developing-llms.txt`) is measured
alone too, against its curated glossary (`fixtures/retort-ep04-glossary.csv`:
each term's label, aliases, abbreviations and hidden labels are its forms),
outside the corpus means.

Baseline, run on the same speech text in the same run: YAKE (`yake` 0.7.3,
English, phrases of up to three words, deduplication threshold 0.9, its
defaults otherwise), per transcript.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.extraction.tokens import singular  # noqa: E402
from glossary.linking.normalize import normalize_label  # noqa: E402
from glossary.transcripts import parse_transcript  # noqa: E402

FORMATS = (".txt", ".vtt", ".srt", ".json", ".html")
SEED = ROOT / "fixtures" / "retort-ep04-developing-llms.txt"
SEED_GLOSSARY = ROOT / "fixtures" / "retort-ep04-glossary.csv"
GLOSSARY_FORMS = ("aliases", "abbreviations", "hidden_labels")
CUTS = (25, 50, 100)


def default_corpus() -> Path:
    """`shared/data/corpus` beside the checkout or beside its parent folder."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data" / "corpus"
        if path.is_dir():
            return path
    return ROOT.parent / "shared" / "data" / "corpus"


def match_key(label: str) -> str:
    """Case, hyphens, apostrophes and a plural last word folded."""
    words = normalize_label(label).split()
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


@dataclass(frozen=True)
class Transcript:
    path: Path
    show: str
    gold: tuple[frozenset[str], ...]  # empty when there is no gold list

    @property
    def name(self) -> str:
        return self.path.stem


def read_gold(path: Path) -> tuple[frozenset[str], ...]:
    concepts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            concepts.append(frozenset(match_key(form) for form in line.split("|")))
    return tuple(concepts)


def read_glossary_gold(path: Path) -> tuple[frozenset[str], ...]:
    """A glossary CSV as a gold list: each term's label and its other labels."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        frozenset(
            match_key(form)
            for form in [row["label"]]
            + [f for column in GLOSSARY_FORMS for f in (row[column] or "").split("|")]
            if form
        )
        for row in rows
    )


def read_corpus(folder: Path) -> list[Transcript]:
    transcripts = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in FORMATS or path.name.endswith(".gold.txt"):
            continue
        gold_path = path.with_name(path.stem + ".gold.txt")
        gold = read_gold(gold_path) if gold_path.exists() else ()
        show = path.stem.rsplit("-", 1)[0] if "-" in path.stem else path.stem
        transcripts.append(Transcript(path, show, gold))
    return transcripts


@dataclass
class Scores:
    recall: dict[int, float]
    precision: float


def score(ranking: Sequence[Sequence[str]], gold: Sequence[frozenset[str]]) -> Scores:
    """Recall at each cut and top-50 precision; `ranking` holds each item's forms."""
    found_at: dict[int, int] = {}  # gold concept → first rank naming it
    correct = 0
    for rank, forms in enumerate(ranking[:100], start=1):
        keys = {match_key(form) for form in forms}
        hits = [i for i, concept in enumerate(gold) if concept & keys]
        for i in hits:
            found_at.setdefault(i, rank)
        if hits and rank <= 50:
            correct += 1
    recall = {
        cut: sum(1 for rank in found_at.values() if rank <= cut) / len(gold)
        for cut in CUTS
    }
    shown = min(50, len(ranking))
    return Scores(recall, correct / shown if shown else 0.0)


def speech_text(path: Path) -> str:
    """The segment text kb stores for a transcript: speech only."""
    parsed = parse_transcript(path.read_bytes(), filename=path.name)
    return "\n".join(segment.text for segment in parsed.segments)


def yake_ranking(text: str) -> list[list[str]]:
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, dedupLim=0.9, top=100)
    return [[keyword] for keyword, _ in extractor.extract_keywords(text)]


def reset_database() -> None:
    from glossary.models import Citation, Episode, Person, Term

    Citation.objects.all().delete()
    Term.objects.all().delete()
    Episode.objects.all().delete()
    Person.objects.all().delete()


def ingest(transcripts: Sequence[Transcript]) -> dict[str, object]:
    from glossary.services.ingest import episode_ingest_transcript

    episodes = {}
    for transcript in transcripts:
        result = episode_ingest_transcript(
            data=transcript.path.read_bytes(),
            filename=transcript.path.name,
            show=transcript.show,
            slug=transcript.name,
        )
        episodes[transcript.name] = result.episode
    return episodes


def propose() -> float:
    """Propose candidates as `manage.py extract_terms` does; CPU seconds taken."""
    from glossary.services.citations import citations_refresh
    from glossary.services.extraction import terms_propose_candidates

    started = time.process_time()
    terms_propose_candidates()
    citations_refresh()
    return time.process_time() - started


def review_queue(episode) -> list[list[str]]:
    """The episode's review queue as an editor sees it: each candidate's forms."""
    from glossary.services.extraction import candidates_for_episode

    return [
        [alias.label for alias in term.aliases.all()]
        for term in candidates_for_episode(episode=episode)
    ]


def table(
    title: str, rows: list[tuple[str, Scores]], extra: Callable[[str], str] = str
) -> None:
    print(f"\n{title}")
    print(f"{'transcript':<20} {'R@25':>5} {'R@50':>5} {'R@100':>5} {'P@50':>5}")
    for name, s in rows:
        print(
            f"{name:<20} {s.recall[25]:>5.2f} {s.recall[50]:>5.2f}"
            f" {s.recall[100]:>5.2f} {s.precision:>5.2f}"
        )
    if rows:
        mean = Scores(
            {c: statistics.mean(s.recall[c] for _, s in rows) for c in CUTS},
            statistics.mean(s.precision for _, s in rows),
        )
        print(
            f"{'mean':<20} {mean.recall[25]:>5.2f} {mean.recall[50]:>5.2f}"
            f" {mean.recall[100]:>5.2f} {mean.precision:>5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument(
        "--skip-corpus", action="store_true", help="only the transcripts alone"
    )
    parser.add_argument("--skip-yake", action="store_true")
    args = parser.parse_args()
    transcripts = read_corpus(args.corpus)
    gold = [t for t in transcripts if t.gold]
    if not gold:
        raise SystemExit(f"no *.gold.txt beside a transcript in {args.corpus}")
    print(
        f"corpus: {args.corpus} ({len(transcripts)} transcripts, "
        f"{len(gold)} with gold lists); CPUs: {os.cpu_count()}"
    )

    if not args.skip_yake:
        table(
            "YAKE, each transcript alone",
            [(t.name, score(yake_ranking(speech_text(t.path)), t.gold)) for t in gold],
        )

    from bench._database import fresh_database

    fresh_database("postgres://postgres@127.0.0.1:5432/kb_bench_extract_quality")
    alone = []
    for transcript in gold:
        reset_database()
        episode = ingest([transcript])[transcript.name]
        propose()
        alone.append((transcript.name, score(review_queue(episode), transcript.gold)))
    table("kb, each transcript alone (its review queue)", alone)

    if SEED.exists() and SEED_GLOSSARY.exists():
        reset_database()
        seed = Transcript(SEED, "The Retort", read_glossary_gold(SEED_GLOSSARY))
        episode = ingest([seed])[seed.name]
        propose()
        table(
            f"kb, the seed alone against its glossary ({len(seed.gold)} terms)",
            [(seed.name[:20], score(review_queue(episode), seed.gold))],
        )

    if not args.skip_corpus:
        reset_database()
        episodes = ingest(transcripts)
        seconds = propose()
        table(
            f"kb, all {len(transcripts)} transcripts in one database "
            "(each episode's review queue)",
            [(t.name, score(review_queue(episodes[t.name]), t.gold)) for t in gold],
        )
        print(f"\nproposing over the whole corpus: {seconds:.1f} s CPU")


if __name__ == "__main__":
    main()
