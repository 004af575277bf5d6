"""A load test: gunicorn with production settings under a steady mixed load.

Run: `.venv/bin/python bench/load_test.py [--duration 180] [--rate 40]`

It makes its own PostgreSQL database (`KB_BENCH_DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/kb_bench_load`), loads the seed episode,
proposes candidates and publishes the top 40, collects static files, starts
gunicorn (`kb/gunicorn.py`, DEBUG=0) on a loopback port, and sends requests
at a fixed rate (open loop: a slow answer does not slow the sender) in the
mix of the show-notes site's calls and readers' page views. Every request
goes to 127.0.0.1 only, the run is bounded by `--duration`, and it stops by
itself. It reports, per minute and overall, requests, errors, p50 and p99
latency, and the workers' resident memory at the start and the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "KB_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb_bench_load"
)
SNIPPET = (
    "This week we talk about open source language models, RLHF and civil "
    "society, and why a foundation model is not the same as an open model."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str]) -> tuple[str, list[str]]:
    """Create and fill the database; return the episode slug and term slugs."""
    import psycopg

    server, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    for args in (
        ["migrate", "--noinput"],
        ["load_demo"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run(
            [*manage, *args], cwd=ROOT, env=env, check=True, capture_output=True
        )
    script = (
        "from glossary.models import Episode, GlossaryVersion, Term\n"
        "terms = Term.objects.filter(status='candidate').order_by('-score')[:40]\n"
        "ids = list(terms.values_list('pk', flat=True))\n"
        "Term.objects.filter(pk__in=ids).update(status='published', "
        "short_definition='A concept from the show.')\n"
        "GlossaryVersion.objects.bump()\n"
        "import json\n"
        "print(json.dumps([Episode.objects.get().slug, "
        "list(Term.objects.filter(pk__in=ids).values_list('slug', flat=True))]))\n"
    )
    done = subprocess.run(
        [*manage, "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    episode, terms = json.loads(done.stdout.strip().splitlines()[-1])
    return episode, terms


def requests_mix(
    episode: str, terms: list[str]
) -> list[tuple[float, str, str, str | None]]:
    """(weight, method, path, body): mostly the show-notes site's calls."""
    link_body = json.dumps({"text": SNIPPET})
    return [
        (30, "GET", f"/api/v1/episodes/{episode}/terms/", None),
        (15, "POST", "/api/v1/link/", link_body),
        (10, "GET", "/api/v1/terms/", None),
        (10, "GET", "/api/v1/terms/{term}/", None),
        (10, "GET", "/concepts/{term}/", None),
        (8, "GET", f"/episodes/{episode}/", None),
        (7, "GET", "/concepts/", None),
        (5, "GET", "/search/?q=open+source", None),
        (5, "GET", "/healthz", None),
    ]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16, help="sending threads")
    args = parser.parse_args()

    port = free_port()
    static_root = tempfile.mkdtemp(prefix="kb-static-")
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "0",
        "KB_STATIC_ROOT": static_root,
        # The load comes from one address; throttles are tested elsewhere.
        "KB_API_ANON_RATE": "",
        "KB_API_USER_RATE": "",
        "KB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "KB_ACCESS_LOG": os.devnull,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    print("preparing the database …", flush=True)
    episode, terms = prepare(env)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "kb/gunicorn.py", "kb.wsgi"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(1.0)
        run(args, port, episode, terms, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def run(args, port: int, episode: str, terms: list[str], master: int) -> None:
    mix = requests_mix(episode, terms)
    weights = [w for w, *_ in mix]
    rng = random.Random(4)
    total = int(args.duration * args.rate)
    schedule = [
        (i / args.rate, *rng.choices(mix, weights)[0][1:]) for i in range(total)
    ]
    results: list[
        tuple[float, float, int, str]
    ] = []  # (sent at, latency, status, path)
    lock = threading.Lock()
    cursor = iter(range(total))
    start = time.perf_counter() + 0.5
    memory_start = {pid: rss_kib(pid) for pid in worker_pids(master)}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            at, method, path, body = schedule[index]
            path = path.replace("{term}", terms[index % len(terms)])
            delay = start + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            headers = {"Content-Type": "application/json"} if body else {}
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = 0
            # Latency counts from the scheduled time: queueing is part of it.
            latency = time.perf_counter() - min(sent, start + at)
            with lock:
                results.append((at, latency, status, path))
        conn.close()

    print(
        f"{total} requests at {args.rate:g}/s for {args.duration}s "
        f"against {args.workers} gunicorn workers …",
        flush=True,
    )
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    memory_end = {pid: rss_kib(pid) for pid in worker_pids(master)}

    minutes: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for at, latency, status, _ in results:
        minutes[int(at // 60)].append((latency, status))
    print(f"{'minute':>6} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for minute in sorted(minutes):
        print(line(str(minute + 1), minutes[minute]))
    print(line("all", [(latency, status) for _, latency, status, _ in results]))
    failures = defaultdict(int)
    for _, _, status, path in results:
        if not 200 <= status < 400:
            failures[(status, path.split("?")[0])] += 1
    for (status, path), count in sorted(failures.items()):
        print(f"  error {status} x{count}: {path}")
    print("worker memory (RSS, MiB), start → end:")
    for pid in sorted(set(memory_start) | set(memory_end)):
        before, after = memory_start.get(pid, 0) / 1024, memory_end.get(pid, 0) / 1024
        print(f"  pid {pid}: {before:.1f} → {after:.1f}")


def line(label: str, rows: list[tuple[float, int]]) -> str:
    latencies = sorted(latency * 1000 for latency, _ in rows)
    errors = sum(1 for _, status in rows if not 200 <= status < 400)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return (
        f"{label:>6} {len(rows):>8} {errors:>6} "
        f"{statistics.median(latencies):>7.1f} {p99:>7.1f}"
    )


if __name__ == "__main__":
    main()
