"""Look terms up on Wikipedia in bulk: `manage.py enrich_wikipedia`.

Requests go one at a time with a pause between them (Wikimedia's etiquette
for API clients); transient failures are retried with backoff, and a 429's
Retry-After is honoured. Every outcome is stored on the term's Wikipedia
article, so a failed run is simply run again; nothing an editor wrote is
changed.
"""

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from glossary.models import Term
from glossary.services.wikipedia import WikipediaTally, term_fetch_wikipedia
from glossary.wikipedia import Status, make_client
from glossary.wikipedia.client import DEFAULT_BULK_PAUSE

# Failed lookups in a row (each already retried) after which Wikipedia is
# taken to be down and the run stops, rather than wait out every term.
MAX_ERRORS_IN_A_ROW = 5


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number >= 0:
        raise argparse.ArgumentTypeError("the pause cannot be negative")
    return number


class Command(BaseCommand):
    help = (
        "Fetch Wikipedia summaries, links and provenance for terms (all but "
        "rejected ones), one request at a time."
    )
    # For tests: a fake `sleep` and an httpx transport serving recordings.
    stealth_options = ("sleep", "transport")

    def add_arguments(self, parser):
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="Skip terms whose article was already found; look up the rest "
            "(never looked up, missing, disambiguation or failed).",
        )
        parser.add_argument(
            "--term",
            metavar="SLUG",
            help="Look up this one term only (whatever its status).",
        )
        parser.add_argument(
            "--pause",
            type=seconds,
            default=DEFAULT_BULK_PAUSE,
            metavar="SECONDS",
            help="The least time between two requests to Wikipedia "
            f"(default: {DEFAULT_BULK_PAUSE:g}). Cached answers make no request.",
        )

    def handle(self, *args, only_missing, term, pause, verbosity, **options):
        if term:
            terms = Term.objects.filter(slug=term)
            if not terms.exists():
                raise CommandError(f"No term has the slug {term!r}.")
        else:
            terms = Term.objects.proposable()
        if only_missing:
            terms = terms.exclude(wikipedia__status=Status.FOUND)
        terms = list(terms.prefetch_related("aliases").order_by("label"))

        tally = WikipediaTally()
        progress = tqdm(
            terms,
            desc="Wikipedia",
            unit="term",
            file=options.get("stderr") or sys.stderr,
            disable=verbosity == 0 or not terms,
        )
        client = make_client(
            bulk=True,
            pause=pause,
            transport=options.get("transport"),
            sleep=options.get("sleep") or time.sleep,
        )
        interrupted = False
        errors_in_a_row = 0
        with client:
            try:
                for item in progress:
                    article = term_fetch_wikipedia(term=item, client=client)
                    tally.add(item, article)
                    errors_in_a_row = (
                        errors_in_a_row + 1 if article.status == Status.ERROR else 0
                    )
                    if errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
                        break
            except KeyboardInterrupt:
                interrupted = True
            finally:
                progress.close()

        self._report(tally, len(terms), interrupted, verbosity)
        if errors_in_a_row >= MAX_ERRORS_IN_A_ROW and tally.total < len(terms):
            raise CommandError(
                f"Stopped after {MAX_ERRORS_IN_A_ROW} failed lookups in a row: "
                "Wikipedia seems unreachable. Run again later with --only-missing "
                "to go on where this run stopped."
            )
        if interrupted:
            raise SystemExit(130)

    def _report(self, tally, planned, interrupted, verbosity):
        if not planned:
            self.stdout.write("No terms to look up.")
            return
        done = (
            f"Interrupted after {tally.total} of {planned} terms"
            if interrupted
            else f"Looked up {tally.total} term{'' if tally.total == 1 else 's'}"
        )
        style = self.style.WARNING if tally.problems else self.style.SUCCESS
        self.stdout.write(style(f"{done}: {tally.summary()}."))
        if verbosity >= 1:
            for term, article in tally.problems:
                self.stdout.write(f"  {article.status}: {term.slug}: {article.message}")
