"""Import a show's episodes from its podcast feed: `manage.py import_feed FEED`.

FEED is the feed's http(s) URL or a file. Each item's transcript (the
richest type listed) is fetched and ingested; a second run downloads only
what changed, and says so. One line per item shows progress; the exit
status is non-zero when the feed or any item failed.
"""

from django.core.management.base import BaseCommand, CommandError

from glossary.models import Job, Show
from glossary.services.feed_import import ItemOutcome, show_import_feed
from glossary.services.jobs import job_enqueue


class Command(BaseCommand):
    help = "Create or update a show's episodes from its RSS feed (URL or file)."

    def add_arguments(self, parser):
        parser.add_argument("feed", help="The feed's http(s) URL, or a feed file.")
        parser.add_argument(
            "--show",
            help="The title of the show to import into (default: the show with "
            "this feed URL or the feed's title, created if new).",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import as a job for the worker (manage.py db_worker) "
            "and return at once; the admin shows its progress.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace episodes whose new transcript looks like another "
            "episode's (see ingest_transcript --replace).",
        )

    def handle(self, *args, feed, show, replace, background, **options):
        target = None
        if show:
            target = Show.objects.filter(title=show).first()
            if target is None:
                raise CommandError(f"--show {show!r}: no show has this title.")
        if background:
            job = job_enqueue(
                kind=Job.Kind.IMPORT_FEED,
                show=target,
                params={"source": feed, "replace": replace},
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Queued job {job.pk}: {job}. Run the worker: manage.py db_worker"
                )
            )
            return

        def progress(index: int, total: int, outcome: ItemOutcome) -> None:
            style = self.style.ERROR if outcome.status == "failed" else str
            self.stdout.write(style(f"[{index}/{total}] {outcome.line()}"))

        result = show_import_feed(
            source=feed, show=target, progress=progress, replace=replace
        )
        if result.error:
            raise CommandError(f"{feed}: {result.error}")
        summary = result.summary()
        if result.failed:
            self.stdout.write(summary)
            raise CommandError(
                f"{len(result.failed)} of {len(result.outcomes)} items failed."
            )
        self.stdout.write(self.style.SUCCESS(summary))
