"""How fast the API answers under load, against a bare view serving the same bytes.

Run: `.venv/bin/python bench/api_bench.py [--quick] [--reset] [--workers N]
[--edit-burst] [--invalidation-only]`

Uses its own PostgreSQL database (`KB_BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/kb_bench`), created, migrated and loaded
here once (`--reset` starts it again): the seed episode ingested through the
service, 99 synthetic episodes, and a synthetic glossary of 10,000 published
terms with aliases (abbreviations, alternative and hidden labels), relations,
Wikipedia summaries and about 32,000 citations (the seed episode cites 150 of
the terms).

kb is served by gunicorn with production settings (DEBUG=0, a SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, kb/gunicorn.py's sync workers, the default
local-memory cache; rate limits off, since all the load comes from one
address) and driven on loopback by a small load generator: threads with
`http.client` connections (gunicorn's sync workers close each one after its
answer, so every request connects anew, the baseline's too), bounded by a
number of requests and a time limit per measurement. In the same run, the
same workers serve the baseline: a bare Django view (bench/bench_urls.py)
answering with the API's own bytes from memory, through the same
middleware. Runs of the two alternate, so a busy machine slows both alike.

`--edit-burst` measures only `/link/` while 20 terms are published in a
minute: its latency and the staleness window of each edit. Before it, what
a fresh process pays for its first matcher: built in the process (no
sharing), built and stored for the host (the first process), and loaded
from the file another process stored (every other one).

First, as deployed, how many cached bodies one edit leaves valid
(`invalidation`; `--invalidation-only` runs just that). Then, measured:
`GET /api/v1/terms/` (20 different pages), `GET /api/v1/terms/{slug}/`
(200 different terms), `GET /api/v1/episodes/{slug}/terms/` (the seed episode,
the show-notes site's main call) and, when the link endpoint exists,
`POST /api/v1/link/`. Each twice: as deployed (rendered bodies cached by
ETag), and with that cache off (every request runs its queries and
serializers). Target: list and detail within 3x the baseline's throughput,
as deployed.

The load generator shares the machine's CPUs with the server (and is Python,
so the GIL bounds it): on a small machine it, not the server, can limit the
baseline, which flatters the ratios. The table says how many CPUs there were.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "fixtures" / "retort-ep04-developing-llms.txt"
AUDIO_URL = "https://media.example.org/the-retort-4.mp3"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/kb_bench"
TARGET_RATIO = 3.0


def wsgi_application():
    """gunicorn's entry point (`bench.api_bench:wsgi_application()`).

    kb's settings with two bench-only overrides from the environment: the
    URLs (`KB_ROOT_URLCONF`, to add the baseline view) and the API's body
    cache (`KB_API_CACHE_SECONDS`, 0 to measure without it).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    from django.conf import settings

    settings.ROOT_URLCONF = os.environ.get("KB_ROOT_URLCONF", settings.ROOT_URLCONF)
    if "KB_API_CACHE_SECONDS" in os.environ:
        settings.KB_API_CACHE_SECONDS = int(os.environ["KB_API_CACHE_SECONDS"])
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# --------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------


def prepare_database(url: str, *, terms: int, reset: bool) -> None:
    """Create, migrate and load the bench database unless it is ready."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and reset:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from glossary.models import Term

    loaded = Term.objects.filter(status=Term.Status.PUBLISHED).count()
    if loaded == terms:
        print(f"Database {name}: {loaded:,} published terms, already loaded.")
    elif loaded:
        raise SystemExit(
            f"Database {name} holds {loaded:,} published terms, not {terms:,}: "
            "run with --reset."
        )
    else:
        started = time.perf_counter()
        load(terms)
        print(f"Database {name}: loaded in {time.perf_counter() - started:.1f} s.")
    # Planner statistics, as a database in service has them (a bulk load
    # leaves none until autovacuum comes by).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def load(count: int) -> None:
    """The seed episode and a synthetic glossary of `count` published terms."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from glossary.extraction.stopwords import STOPWORDS
    from glossary.linking import normalize_label
    from glossary.models import (
        Alias,
        Citation,
        Episode,
        GlossaryVersion,
        Segment,
        Term,
        WikipediaArticle,
    )
    from glossary.services.ingest import episode_ingest_transcript

    rng = random.Random(6)
    seed = episode_ingest_transcript(
        data=SEED.read_bytes(), filename=SEED.name, audio_url=AUDIO_URL
    ).episode
    text = SEED.read_text()
    words = sorted(
        {
            word
            for word in re.findall(r"[a-z]{4,}", text.lower())
            if word not in STOPWORDS
        }
    )
    now = timezone.now()
    show = seed.show  # the Show the seed's ingest made

    with transaction.atomic():
        episodes = Episode.objects.bulk_create(
            Episode(
                show=show,
                number=100 + n,
                title=f"Synthetic episode {n}",
                slug=f"synthetic-episode-{n:03d}",
                audio_url=f"https://media.example.org/synthetic-{n}.mp3",
                transcript_format="text",
            )
            for n in range(99)
        )
        Segment.objects.bulk_create(
            Segment(
                episode=episode,
                order=order,
                speaker_label=rng.choice(["Nathan", "Tom", "Guest"]),
                start=order * 30.0,
                text=" ".join(rng.choices(words, k=80)).capitalize() + ".",
            )
            for episode in episodes
            for order in range(60)
        )
        segments = list(Segment.objects.only("id", "episode_id", "start", "text"))
        seed_segments = [s for s in segments if s.episode_id == seed.pk]
        other_segments = [s for s in segments if s.episode_id != seed.pk]

        taken: set[str] = set()
        labels: list[str] = []
        while len(labels) < count:
            label = " ".join(rng.choices(words, k=rng.choice([1, 2, 2, 3])))
            if rng.random() < 0.03:
                label = f"{rng.randint(2, 99)}{rng.choice('BKM')} {label}"
            key = normalize_label(label)
            if key in taken:
                continue
            taken.add(key)
            labels.append(label.capitalize())

        terms = Term.objects.bulk_create(
            Term(
                label=label,
                slug=slugify(label)[:190] or f"term-{n}",
                status=Term.Status.PUBLISHED,
                kind=rng.choice(Term.Kind.values),
                short_definition=f"{label}: {' '.join(rng.choices(words, k=12))}.",
                definition=(
                    f"**{label}** {' '.join(rng.choices(words, k=40))}.\n\n"
                    f"See [a source](https://example.org/{n}) and "
                    f"{' '.join(rng.choices(words, k=30))}."
                ),
                published_at=now,
            )
            for n, label in enumerate(labels)
        )
        aliases = [
            Alias(
                term=t,
                label=t.label,
                normalized=normalize_label(t.label),
                kind="preferred",
            )
            for t in terms
        ]
        for n, term in enumerate(terms):
            extra = []
            if rng.random() < 0.4:
                initials = "".join(w[0] for w in term.label.split()).upper()
                extra.append((f"{initials}{n}", Alias.Kind.ABBREVIATION, True))
            if rng.random() < 0.5:
                extra.append((f"{term.label} concept", Alias.Kind.ALTERNATIVE, False))
            if rng.random() < 0.1:
                extra.append((f"{term.label}z", Alias.Kind.HIDDEN, False))
            for label, kind, case_sensitive in extra:
                key = normalize_label(label)
                if key not in taken:
                    taken.add(key)
                    aliases.append(
                        Alias(
                            term=term,
                            label=label,
                            normalized=key,
                            kind=kind,
                            case_sensitive=case_sensitive,
                        )
                    )
        Alias.objects.bulk_create(aliases, batch_size=5000)

        related, broader = set(), set()
        for term in terms:
            for other in rng.sample(terms, 2):
                if other.pk != term.pk:
                    related |= {(term.pk, other.pk), (other.pk, term.pk)}
            if rng.random() < 0.3:
                parent = rng.choice(terms)
                if parent.pk != term.pk:
                    broader.add((term.pk, parent.pk))
        Term.related.through.objects.bulk_create(
            Term.related.through(from_term_id=a, to_term_id=b) for a, b in related
        )
        Term.broader.through.objects.bulk_create(
            Term.broader.through(from_term_id=a, to_term_id=b) for a, b in broader
        )

        def cite(term: Term, segment: Segment, featured: bool = False) -> Citation:
            return Citation(
                term=term,
                episode_id=segment.episode_id,
                segment=segment,
                seconds=segment.start + rng.random() * 29,
                surface=term.label[:200],
                quote=segment.text[:160],
                featured=featured,
            )

        citations = [
            cite(term, segment, featured=n == 0)
            for term in terms
            for n, segment in enumerate(rng.sample(other_segments, 3))
        ]
        citations += [
            cite(term, segment)
            for term in rng.sample(terms, 150)
            for segment in rng.sample(seed_segments, 2)
        ]
        Citation.objects.bulk_create(citations, batch_size=5000)
        WikipediaArticle.objects.bulk_create(
            WikipediaArticle(
                term=term,
                status=WikipediaArticle.Status.FOUND,
                title=term.label,
                url=f"https://en.wikipedia.org/wiki/{term.label.replace(' ', '_')}",
                revision_id=1_000_000 + term.pk,
                summary=" ".join(rng.choices(words, k=60)),
                fetched_at=now,
                attempted_at=now,
            )
            for term in rng.sample(terms, count // 5)
        )
        GlossaryVersion.objects.bump()


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class Server:
    """kb under gunicorn on a free loopback port, production settings."""

    def __init__(self, *, url: str, workers: int, bodies: Path, cache: bool) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": url,
            "KB_ROOT_URLCONF": "bench.bench_urls",
            "KB_BENCH_BODIES": str(bodies),
            "KB_API_CACHE_SECONDS": "300" if cache else "0",
            # Rate limits off: from one address, the load generator would fill
            # its own rate history, which traffic from many addresses does not.
            "KB_API_ANON_RATE": "",
            "KB_API_USER_RATE": "",
            "WEB_CONCURRENCY": str(workers),
            "KB_MAX_REQUESTS": "1000000",
            "KB_ACCESS_LOG": "/dev/null",
            # The workers share their matchers here, not with earlier runs.
            "KB_LINKER_CACHE_DIR": str(bodies / "linkers"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(ROOT / "kb" / "gunicorn.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "bench.api_bench:wsgi_application()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    "gunicorn stopped: " + self.process.stderr.read().decode()[-2000:]
                )
            try:
                status, _, _ = self.fetch("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within a minute")

    def fetch(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# The load generator
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    """What the errors were: status codes or exception names."""

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        self.latencies += other.latencies
        self.failures += other.failures

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e3


def drive(port: int, calls: list[Call], *, total: int, seconds: float, threads: int):
    """`total` requests (or `seconds`, whichever ends first), calls cycled."""
    counter = itertools.count()
    results = [Result() for _ in range(threads)]
    start = time.perf_counter()
    deadline = start + seconds

    def work(result: Result) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            n = next(counter)
            if n >= total or time.perf_counter() > deadline:
                break
            call = calls[n % len(calls)]
            began = time.perf_counter()
            try:
                connection.request(
                    call.method, call.path, body=call.body, headers=call.headers
                )
                response = connection.getresponse()
                response.read()
                failure = None if response.status == 200 else str(response.status)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                failure = type(error).__name__
            result.latencies.append(time.perf_counter() - began)
            result.requests += 1
            if failure:
                result.errors += 1
                result.failures[failure] += 1
        connection.close()

    workers = [threading.Thread(target=work, args=(r,)) for r in results]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total_result = Result(seconds=time.perf_counter() - start)
    for result in results:
        total_result.requests += result.requests
        total_result.errors += result.errors
        total_result.latencies += result.latencies
        total_result.failures += result.failures
    return total_result


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def targets(url: str) -> dict[str, tuple[str, list[Call]]]:
    """What to measure: name → (label, calls), chosen from the loaded data."""
    import psycopg

    rng = random.Random(4)
    with psycopg.connect(url) as db:
        slugs = [
            row[0]
            for row in db.execute(
                "SELECT slug FROM glossary_term WHERE status = 'published' "
                "ORDER BY slug"
            )
        ]
        seed = db.execute(
            "SELECT slug FROM glossary_episode WHERE number = 4"
        ).fetchone()[0]
    chosen = {
        "terms": (
            "GET /api/v1/terms/",
            [Call("GET", f"/api/v1/terms/?page={page}") for page in range(1, 21)],
        ),
        "term": (
            "GET /api/v1/terms/{slug}/",
            [Call("GET", f"/api/v1/terms/{slug}/") for slug in rng.sample(slugs, 200)],
        ),
        "episode-terms": (
            "GET /api/v1/episodes/{slug}/terms/",
            [Call("GET", f"/api/v1/episodes/{seed}/terms/")],
        ),
    }
    excerpt = SEED.read_text()[2000:7000]
    chosen["link"] = (
        "POST /api/v1/link/",
        [
            Call(
                "POST",
                "/api/v1/link/",
                json.dumps({"text": excerpt}).encode(),
                {"Content-Type": "application/json"},
            )
        ],
    )
    return chosen


def capture(server: Server, name: str, calls: list[Call], bodies: Path) -> list[Call]:
    """Save the API's answers for the baseline; its calls, or [] if unavailable."""
    baseline = []
    for n, call in enumerate(calls):
        status, content_type, body = server.fetch(
            call.method, call.path, call.body, call.headers
        )
        if status != 200:
            print(f"  {call.method} {call.path}: {status}, skipped")
            return []
        (bodies / f"{name}-{n}.body").write_bytes(body)
        (bodies / f"{name}-{n}.type").write_text(content_type)
        baseline.append(
            Call(call.method, f"/bench/baseline/{name}-{n}", call.body, call.headers)
        )
    return baseline


def measure(args, url: str, bodies: Path, *, cache: bool, chosen) -> dict:
    server = Server(url=url, workers=args.workers, bodies=bodies, cache=cache)
    results = {}
    try:
        for name, (label, calls) in chosen.items():
            baseline = capture(server, name, calls, bodies)
            if not baseline:
                continue
            options = {
                "total": args.requests,
                "seconds": args.seconds,
                "threads": args.threads,
            }
            # Warm both up: imports, connections, and (as deployed) the caches.
            drive(
                server.port,
                calls,
                total=max(len(calls) * 2, 200),
                seconds=30,
                threads=args.threads,
            )
            drive(server.port, baseline, total=200, seconds=10, threads=args.threads)
            api, base = Result(), Result()
            for _ in range(args.rounds):
                api.add(drive(server.port, calls, **options))
                base.add(drive(server.port, baseline, **options))
            results[name] = (label, api, base)
    finally:
        server.stop()
    return results


def invalidation(args, url: str, bodies: Path) -> dict:
    """How many cached bodies one edit leaves valid.

    As deployed (bodies cached by ETag), read 200 term details, their
    citations, 20 pages of the term list and 20 episodes' terms, keeping each
    ETag; rename one term through the service (as the admin does); read them
    all again with `If-None-Match`. A 304 means the ETag, and so the cache
    key of the body stored under it, is unchanged: that body would still be
    served from the cache. Bodies that show the renamed term (its own, its
    neighbours', the episodes citing it, the term list's pages, still keyed
    by the glossary version) are expected to move; the rest are "unrelated".
    The term is renamed back afterwards.
    """
    from django.db.models import Q

    from glossary.models import Episode, Term
    from glossary.services.terms import term_rename

    rng = random.Random(8)
    published = Term.objects.filter(status=Term.Status.PUBLISHED)
    slugs = list(published.order_by("slug").values_list("slug", flat=True))
    episodes = Episode.objects.order_by("number").values_list("slug", flat=True)[:20]
    sample = rng.sample(slugs, 200)
    paths = {
        "term detail": [f"/api/v1/terms/{slug}/" for slug in sample],
        "term citations": [f"/api/v1/terms/{slug}/citations/" for slug in sample],
        "term list page": [f"/api/v1/terms/?page={page}" for page in range(1, 21)],
        "episode terms": [f"/api/v1/episodes/{slug}/terms/" for slug in episodes],
    }
    edited = Term.objects.get(slug=sample[0])
    label = edited.label
    shows = {f"/api/v1/terms/{edited.slug}/", f"/api/v1/terms/{edited.slug}/citations/"}
    neighbours = set(
        published.filter(
            Q(related=edited) | Q(broader=edited) | Q(narrower=edited)
        ).values_list("slug", flat=True)
    )
    shows |= {f"/api/v1/terms/{slug}/" for slug in neighbours}
    shows |= {
        f"/api/v1/episodes/{slug}/terms/"
        for slug in edited.citations.values_list("episode__slug", flat=True)
    }
    shows |= set(paths["term list page"])

    server = Server(url=url, workers=args.workers, bodies=bodies, cache=True)
    try:
        before = {}
        for group in paths.values():
            for path in group:
                status, _, _, etag = _fetch_etag(server, path)
                before[path] = etag
        term_rename(term=edited, label=f"{label} renamed", slug=edited.slug)
        kept = {}
        for group in paths.values():
            for path in group:
                status, _, _, _ = _fetch_etag(server, path, before[path])
                kept[path] = status == 304
    finally:
        server.stop()
        edited.refresh_from_db()
        term_rename(term=edited, label=label, slug=edited.slug)
    return {"paths": paths, "kept": kept, "shows": shows, "edited": edited.slug}


def _fetch_etag(server: Server, path: str, etag: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"If-None-Match": etag} if etag else {})
        response = connection.getresponse()
        body = response.read()
        return (
            response.status,
            response.getheader("Content-Type"),
            body,
            (response.getheader("ETag")),
        )
    finally:
        connection.close()


def print_invalidation(found: dict) -> None:
    kept, shows = found["kept"], found["shows"]
    print()
    print(f"One edit (renaming {found['edited']}): cached bodies still valid")
    print(f"{'bodies':<16} {'kept':>5} {'of':>4} | {'unrelated kept':>14} {'of':>4}")
    unrelated_kept = unrelated = 0
    for group, paths in found["paths"].items():
        others = [p for p in paths if p not in shows]
        kept_others = sum(kept[p] for p in others)
        unrelated += len(others)
        unrelated_kept += kept_others
        print(
            f"{group:<16} {sum(kept[p] for p in paths):>5} {len(paths):>4} | "
            f"{kept_others:>14} {len(others):>4}"
        )
    print(f"{'all':<16} {sum(kept.values()):>5} {len(kept):>4}")
    wrong = [p for p in shows if p in kept and kept[p]]
    share = unrelated_kept / unrelated if unrelated else 1.0
    print(
        f"unrelated bodies kept: {share:.1%} (target 90%); bodies showing the "
        f"term but kept anyway: {len(wrong)} {wrong[:3]}"
    )


# A fresh process's first matcher, timed inside the process.
FIRST_MATCHER = """
import time
import django
django.setup()
from glossary.matchers import current_glossary
began = time.perf_counter()
current_glossary()
print(time.perf_counter() - began)
"""


def first_matcher(url: str, *, rounds: int) -> dict[str, list[float]]:
    """Seconds to a fresh process's first matcher, each way, `rounds` times.

    "alone": sharing off, the process builds; "stored": the first process of
    a host, which builds and writes the file; "loaded": the next process,
    which reads it. Each round uses a new directory, so "stored" builds.
    """
    found: dict[str, list[float]] = {"alone": [], "stored": [], "loaded": []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="kb-linker-bench-") as directory:
            for way in found:
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "DJANGO_SETTINGS_MODULE": "kb.settings",
                    "KB_LINKER_CACHE_DIR": "" if way == "alone" else directory,
                    "LOG_LEVEL": "WARNING",
                }
                done = subprocess.run(  # noqa: S603
                    [sys.executable, "-c", FIRST_MATCHER],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                found[way].append(float(done.stdout.split()[-1]))
    return found


def print_first_matcher(found: dict[str, list[float]], terms: int) -> None:
    print()
    print(f"A fresh process's first matcher at {terms:,} terms (median seconds):")
    for way, seconds in found.items():
        print(f"  {way:<7} {sorted(seconds)[len(seconds) // 2]:.2f}  {seconds}")


def edit_burst(args, url: str, bodies: Path) -> dict:
    """`/link/` while editors publish 20 terms in a minute.

    Client threads post the 5 KB text without pause for the whole burst,
    noting each answer's time, latency and `glossary_version`; meanwhile this
    process publishes a new term every 3 s through the services (as the
    admin does; they are deleted afterwards). The staleness of an edit is the
    time from its commit to the last answer, from any worker, still carrying
    an older version.
    """
    from glossary.models import GlossaryVersion, Term
    from glossary.services.terms import term_create, terms_delete, terms_publish

    server = Server(url=url, workers=args.workers, bodies=bodies, cache=True)
    _, calls = targets(url)["link"]
    call = calls[0]
    answers: list[tuple[float, float, int]] = []  # (sent, seconds, version)
    errors = Counter()
    stop = threading.Event()

    def post() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            status, _, body = server.fetch(
                call.method, call.path, call.body, call.headers
            )
            took = time.perf_counter() - began
            if status != 200:
                errors[str(status)] += 1
                continue
            answers.append((began, took, json.loads(body)["glossary_version"]))

    edits: list[tuple[float, int]] = []
    tag = f"{time.time_ns():x}"
    try:
        for _ in range(20):  # every worker builds its first matcher
            server.fetch(call.method, call.path, call.body, call.headers)
        clients = [threading.Thread(target=post) for _ in range(args.threads)]
        for client in clients:
            client.start()
        time.sleep(3)
        for n in range(20):
            term = term_create(
                label=f"Burst {tag} {n}", short_definition="Published in a burst."
            )
            terms_publish(terms=[term])
            edits.append((time.perf_counter(), GlossaryVersion.objects.current()))
            time.sleep(3)
        time.sleep(5)
        stop.set()
        for client in clients:
            client.join()
    finally:
        stop.set()
        server.stop()
        terms_delete(terms=Term.objects.filter(label__startswith=f"Burst {tag} "))
    staleness = []
    for at, version in edits:
        stale = [sent + took for sent, took, v in answers if v < version and sent > at]
        staleness.append(max(stale) - at if stale else 0.0)
    window = [a for a in answers if edits and edits[0][0] <= a[0] <= edits[-1][0] + 5]
    return {
        "answers": len(window),
        "latencies": [took for _, took, _ in window],
        "staleness": staleness,
        "errors": errors,
        "seconds": edits[-1][0] + 5 - edits[0][0] if edits else 0,
    }


def print_edit_burst(found: dict, terms: int) -> None:
    result = Result(latencies=found["latencies"])
    staleness = sorted(found["staleness"])
    print()
    print(
        f"/link/ during 20 edits in {found['seconds']:.0f} s at {terms:,} terms: "
        f"{found['answers']} answers, p50 {result.percentile(50):.1f} ms, "
        f"p99 {result.percentile(99):.1f} ms (target 100), max "
        f"{max(found['latencies'], default=0) * 1e3:.0f} ms, errors "
        f"{dict(found['errors']) or 0}"
    )
    print(
        f"staleness, edit to every answer linking with it: median "
        f"{staleness[len(staleness) // 2]:.2f} s, max {staleness[-1]:.2f} s "
        "(target < 5 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--reset", action="store_true", help="reload the database")
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--requests", type=int, help="per measurement")
    parser.add_argument("--seconds", type=float, help="time limit per measurement")
    parser.add_argument("--rounds", type=int, help="alternations of API and baseline")
    parser.add_argument(
        "--only", nargs="*", help="endpoints: terms, term, episode-terms, link"
    )
    parser.add_argument(
        "--edit-burst",
        action="store_true",
        help="only measure /link/ while 20 terms are published in a minute",
    )
    parser.add_argument(
        "--invalidation-only",
        action="store_true",
        help="only measure how many cached bodies one edit leaves valid",
    )
    args = parser.parse_args()
    args.requests = args.requests or (1000 if args.quick else 4000)
    args.seconds = args.seconds or (5.0 if args.quick else 15.0)
    args.rounds = args.rounds or (1 if args.quick else 3)

    url = os.environ.get("KB_BENCH_DATABASE_URL", DEFAULT_DATABASE)
    prepare_database(url, terms=args.terms, reset=args.reset)
    chosen = targets(url)
    if args.only:
        chosen = {name: chosen[name] for name in args.only}
    bodies = Path(tempfile.mkdtemp(prefix="kb-api-bench-"))
    try:
        if args.edit_burst:
            rounds = 1 if args.quick else 3
            print_first_matcher(first_matcher(url, rounds=rounds), args.terms)
            print_edit_burst(edit_burst(args, url, bodies), args.terms)
            return 0
        found = invalidation(args, url, bodies)
        if args.invalidation_only:
            print_invalidation(found)
            return 0
        runs = {
            cache: measure(args, url, bodies, cache=cache, chosen=chosen)
            for cache in (True, False)
        }
    finally:
        shutil.rmtree(bodies, ignore_errors=True)

    print()
    print(
        f"gunicorn, {args.workers} sync workers; {args.threads} client threads; "
        f"{os.cpu_count()} CPUs shared; {args.terms:,} published terms; "
        f"{args.rounds} x up to {args.requests} requests or {args.seconds:.0f} s each."
    )
    header = (
        f"{'endpoint':<36} {'body cache':<10} {'req/s':>7} {'p50 ms':>7} "
        f"{'p99 ms':>7} | {'baseline':>8} {'p50 ms':>7} {'p99 ms':>7} | "
        f"{'ratio':>5} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    for cache, results in runs.items():
        for name, (label, api, base) in results.items():
            ratio = base.rate / api.rate if api.rate else float("inf")
            print(
                f"{label:<36} {'on' if cache else 'off':<10} {api.rate:>7.0f} "
                f"{api.percentile(50):>7.2f} {api.percentile(99):>7.2f} | "
                f"{base.rate:>8.0f} {base.percentile(50):>7.2f} "
                f"{base.percentile(99):>7.2f} | {ratio:>4.1f}x "
                f"{api.errors + base.errors:>6}"
            )
            failures = api.failures + base.failures
            if failures:
                print(f"{'':<36} errors: {dict(failures)}")
            if cache and name in ("terms", "term"):
                verdicts.append(
                    f"{label} as deployed: {ratio:.2f}x the baseline's throughput "
                    f"(target {TARGET_RATIO:.0f}x): "
                    + ("met" if ratio <= TARGET_RATIO else "NOT MET")
                )
    if "link" not in runs[True]:
        verdicts.append(
            "POST /api/v1/link/: not measured (the endpoint is not there yet)"
        )
    print_invalidation(found)
    print()
    print("\n".join(verdicts))
    print(
        "ratio = baseline req/s / API req/s; the baseline is a bare Django view "
        "returning the same bytes from memory, in the same workers."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
