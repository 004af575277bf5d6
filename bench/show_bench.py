"""A whole show at scale: 300 one-hour episodes imported from a feed on loopback.

Run: `.venv/bin/python bench/show_bench.py [--sizes 50,100,200,300]`

Builds a show of one-hour episodes (about 9,000 words each, a marker at every
turn) from the real transcripts in `../shared/data/corpus/` (read there,
never copied into the repository): episode n starts at a different file and
turn, so episodes differ, and each has its own GUID, date and audio URL.
Every episode opens with a host's line naming the "supply chain", so one
concept is cited in every episode. A feed and the transcripts are served by
an HTTP server on loopback, with ETags as a real host sends them.

At each size the feed grows to that many items and is imported again (the
episodes already in are answered 304, only the new ones download; "import
s/ep" is the time of a new episode's item, "304 ms/ep" of an old one's); then
candidates are extracted and citations refreshed over the whole show. It
prints, per size: time per newly imported episode, extraction and refresh
time per episode, the peak memory (RSS) of the extraction, run in a process
of its own so that its peak is its own, and of this process (the imports
and the refreshes), and the time and query
count of the review queue, the concept page cited in every episode and an
episode page. Targets (issue 13): flat cost per episode, the 300-episode
import under 10 minutes on this 2-core machine, each page under 200 ms with
a query count that does not grow with the show.

`--extract-only [--episodes N]` extracts over the show a previous run left
(its first N episodes: the ranking alone, without the write), in this
process, and prints seconds and peak RSS.

`--pages-only` times the three pages again on the database a previous run
left, without importing anything: the quick loop while working on a page.
Each page's time is the median wall time of five requests and, beside it,
their median CPU time in this process (the part the machine's load does not
inflate; the database's own time is not in it).

Uses its own database (`KB_BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/kb_bench_show`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.feed_server import FeedServer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus"
if not CORPUS.is_dir():  # a worktree sits one level deeper than the main clone
    CORPUS = Path("/work/shared/data/corpus")
WORDS_PER_EPISODE = 9000  # one hour at 150 words a minute
WORDS_PER_SECOND = 2.5
SHOW_TITLE = "Corpus Weekly"


def corpus_turns() -> list[list[tuple[str, str]]]:
    """(speaker, text) turns of every corpus transcript, file by file."""
    from glossary.transcripts import parse_transcript

    files = sorted(
        p
        for p in CORPUS.iterdir()
        if p.suffix in (".txt", ".vtt") and not p.name.endswith(".gold.txt")
    )
    if not files:
        raise SystemExit(f"no transcripts in {CORPUS}")
    shows = []
    for path in files:
        parsed = parse_transcript(path.read_bytes(), filename=path.name)
        shows.append(
            [(s.speaker or "Host", " ".join(s.text.split())) for s in parsed.segments]
        )
    return shows


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def episode_text(n: int, corpus: list[list[tuple[str, str]]]) -> str:
    """Episode n: one hour of turns from the corpus, starting somewhere new."""
    lines = [
        f"{SHOW_TITLE} – Episode #{n}",
        "",
        f"Episode {n}_transcript",
        f"Kris Host: [00:00:00] Welcome to {SHOW_TITLE}, episode {n}. As every "
        "week, a word on the supply chain first.",
    ]
    words = 20
    source = n % len(corpus)
    index = (n * 37) % len(corpus[source])
    while words < WORDS_PER_EPISODE:
        speaker, text = corpus[source][index]
        lines.append(f"{speaker}: [{clock(words / WORDS_PER_SECOND)}] {text}")
        words += len(text.split())
        index += 1
        if index == len(corpus[source]):
            source, index = (source + 1) % len(corpus), 0
    return "\n".join(lines) + "\n"


def feed_xml(base: str, count: int) -> bytes:
    start = date(2020, 1, 6)
    items = []
    for n in range(count, 0, -1):
        day = start + timedelta(days=7 * (n - 1))
        items.append(
            f"<item><guid isPermaLink='false'>corpus-weekly-{n:04d}</guid>"
            f"<title>Episode {n}</title><itunes:episode>{n}</itunes:episode>"
            f"<pubDate>{day.strftime('%a, %d %b %Y')} 09:00:00 GMT</pubDate>"
            f"<itunes:duration>01:00:00</itunes:duration>"
            f'<enclosure url="https://media.example.org/cw/{n}.mp3" '
            f'type="audio/mpeg" length="{57_600_000 + n}"/>'
            f'<podcast:transcript url="{base}t/{n}.txt" type="text/plain"/></item>'
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>{SHOW_TITLE}</title><link>https://cw.example.org/</link>"
        '<podcast:person role="host">Kris Host</podcast:person>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class Host(FeedServer):
    """The show's feed and transcripts on loopback, made on request.

    The tests' loopback server (ETags, 304s) with its answers built from the
    corpus instead of read from files.
    """

    def __init__(self, corpus) -> None:
        super().__init__()
        self.corpus = corpus
        self.count = 0
        self.cache: dict[int, bytes] = {}

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/feed.xml":
            return 200, "application/rss+xml", feed_xml(self.base, self.count)
        if path.startswith("/t/") and path.endswith(".txt"):
            n = int(path[3:-4])
            if n not in self.cache:
                self.cache[n] = episode_text(n, self.corpus).encode()
            return 200, "text/plain; charset=utf-8", self.cache[n]
        return 404, "text/plain", b"not found"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page(client, url: str, repeat: int = 5) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds and the query count of GET `url`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, cpu, queries = [], [], 0
    for _ in range(repeat):
        # The import filled DEBUG's query log (9,000 at most); counting on a
        # full log would say 0.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times), statistics.median(cpu), queries


PAGES = ("review queue", "concept page", "episode page")


def time_pages(client, term_slug: str) -> list[tuple[float, float, int]]:
    """The review queue, the concept cited in every episode, the newest episode."""
    from django.core.cache import cache

    from glossary.models import Episode

    cache.clear()
    newest = Episode.objects.order_by("-number").first()
    urls = [
        "/admin/glossary/term/?status__exact=candidate",
        f"/concepts/{term_slug}/",
        f"/episodes/{newest.slug}/",
    ]
    for url in urls:  # the linker and templates are built once per process
        client.get(url, HTTP_HOST="localhost")
    return [page(client, url) for url in urls]


def existing_database() -> None:
    """Django on the database a previous run left (`KB_BENCH_DATABASE_URL`)."""
    os.environ["DATABASE_URL"] = os.environ.get(
        "KB_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb_bench_show"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def extract_only(episodes: int | None = None) -> int:
    """Extract candidates over the whole show; print seconds and peak RSS.

    With `episodes`, the ranking alone (no write) over the show's first
    that many episodes, read as the service reads them: peak memory at
    several sizes from one imported show.
    """
    existing_database()
    from glossary.services import extraction

    started = time.perf_counter()
    if episodes is None:
        extraction.terms_propose_candidates()
    else:
        loaded = extraction._context_episodes(None)[:episodes]
        extraction.extract_candidates(
            extraction._ShowSegments(loaded, extraction._no_progress),
            shows={e.slug: e.show_id for e in loaded},
        )
    took = time.perf_counter() - started
    print(json.dumps({"seconds": took, "peak_mb": peak_mb()}))
    return 0


def extract_apart() -> tuple[float, float]:
    """`extract_only` in a fresh process: (seconds, peak MB)."""
    env = {**os.environ, "KB_BENCH_DATABASE_URL": os.environ["DATABASE_URL"]}
    done = subprocess.run(
        [sys.executable, __file__, "--extract-only"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["seconds"], answer["peak_mb"]


def pages_only() -> int:
    """Time the pages on the database a previous full run left."""
    existing_database()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from glossary.models import Episode, Term

    term = Term.objects.filter(label="supply chain").first()
    if term is None:
        raise SystemExit("no show in the bench database: run without --pages-only")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    print(f"{Episode.objects.count()} episodes; load average {os.getloadavg()[0]:.1f}")
    for name, (ms, cpu, queries) in zip(
        PAGES, time_pages(client, term.slug), strict=True
    ):
        print(f"{name:>12}: {ms:4.0f} ms wall, {cpu:4.0f} ms CPU, {queries} queries")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200,300")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="time the pages on the database the last run left; import nothing",
    )
    parser.add_argument(
        "--extract-only",
        action="store_true",
        help="extract candidates over the last run's show; print time and peak RSS",
    )
    parser.add_argument(
        "--episodes",
        type=int,
        help="with --extract-only: rank the show's first N episodes only",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    os.environ.pop("REDIS_URL", None)  # the bench's cache stays in-process
    if args.pages_only:
        return pages_only()
    if args.extract_only:
        return extract_only(args.episodes)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line a request
    # The show's host is this machine's loopback (kb fetches only from public
    # addresses unless told otherwise).
    os.environ.setdefault("KB_FETCH_ALLOWED_NETWORKS", "127.0.0.1/32")
    from bench._database import fresh_database

    fresh_database("postgres://postgres@127.0.0.1:5432/kb_bench_show")

    from django.contrib.auth import get_user_model
    from django.test import Client

    from glossary.models import Episode, Term
    from glossary.services.citations import citations_refresh
    from glossary.services.feed_import import show_import_feed
    from glossary.services.terms import term_create, terms_publish

    corpus = corpus_turns()
    with Host(corpus) as host:
        feed = host.base + "feed.xml"
        admin = get_user_model().objects.create_superuser("bench", password=None)
        client = Client()
        client.force_login(admin)
        term = term_create(
            label="supply chain", short_definition="Where code comes from."
        )
        terms_publish(terms=[term])

        print(
            f"CPUs: {os.cpu_count()}; corpus: {len(corpus)} transcripts; "
            f"{WORDS_PER_EPISODE} words an episode"
        )
        print(
            f"{'size':>4} {'new':>4} {'import s/ep':>11} {'304 ms/ep':>9} "
            f"{'extract s/ep':>12} {'extract MB':>10} "
            f"{'refresh s/ep':>12} {'peak MB':>8} | {'queue ms (q)':>12} "
            f"{'concept ms (q)':>14} {'episode ms (q)':>14}"
        )
        done, import_total = 0, 0.0
        for size in sizes:
            host.count = size
            spent = {"created": 0.0, "unchanged": 0.0}
            last = [time.perf_counter()]

            def timed(index, total, outcome, spent=spent, last=last):
                now = time.perf_counter()
                spent[outcome.status] = spent.get(outcome.status, 0.0) + now - last[0]
                last[0] = now

            started = time.perf_counter()
            result = show_import_feed(source=feed, progress=timed)
            took = time.perf_counter() - started
            import_total += took
            assert result.ok, result.summary()
            new = result.counts().get("created", 0)
            assert new == size - done, result.counts()
            episodes = list(Episode.objects.all())
            extract, extract_mb = extract_apart()
            started = time.perf_counter()
            citations_refresh(episodes=episodes)
            refresh = time.perf_counter() - started
            done = size

            timings = time_pages(client, Term.objects.get(pk=term.pk).slug)
            print(
                f"{size:>4} {new:>4} {spent['created'] / new:>11.3f} "
                f"{1000 * spent['unchanged'] / max(size - new, 1):>9.1f} "
                f"{extract / size:>12.3f} {extract_mb:>10.0f} "
                f"{refresh / size:>12.3f} {peak_mb():>8.0f} | "
                + " ".join(
                    f"{ms:>{w - 5}.0f} ({q:>2})"
                    for (ms, _cpu, q), w in zip(timings, (12, 14, 14), strict=True)
                )
            )
        print(
            f"Whole import of {done} episodes: {import_total:.0f} s "
            f"(target: under 600 s); the extraction and refresh above are "
            "re-run over the whole show at each size."
        )
        citations = term.citations.values("episode").distinct().count()
        print(f"'supply chain' is cited in {citations} of {done} episodes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
