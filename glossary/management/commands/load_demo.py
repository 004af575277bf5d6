"""Load the seed episode and its starter glossary, and say where everything is.

`manage.py load_demo` is what `make run` calls. It ingests the seed episode,
loads the curated starter glossary (`fixtures/retort-ep04-glossary.csv`:
published concepts with definitions, labels, relations and featured
citations), then fills the review queue with the remaining candidates.
`--candidates-only` skips the glossary, leaving every concept to curate.
Safe to run again: each step is idempotent, and terms an editor has curated
are never changed (the glossary step names the rows it skipped).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.citations import citations_refresh
from glossary.services.citations.live import citations_in_foreground
from glossary.services.extraction import terms_propose_candidates
from glossary.services.glossary_file import glossary_load_file
from glossary.services.ingest import episode_ingest_transcript

SEED = settings.BASE_DIR / "fixtures" / "retort-ep04-developing-llms.txt"
GLOSSARY = settings.BASE_DIR / "fixtures" / "retort-ep04-glossary.csv"


class Command(BaseCommand):
    help = (
        "Ingest the seed episode, load its starter glossary and candidates, "
        "and print where the admin, API and pages are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="Where the server will listen.",
        )
        parser.add_argument(
            "--candidates-only",
            action="store_true",
            help="Leave the glossary empty: only fill the review queue.",
        )
        parser.add_argument(
            "--glossary",
            default=str(GLOSSARY),
            help="The glossary file to load (default: the starter glossary).",
        )

    def handle(self, *args, address: str, candidates_only: bool, **options):
        # The operator waits for the demo anyway: the citations its changes
        # move are refreshed here, not queued, so pages are right at the end.
        with citations_in_foreground():
            result = episode_ingest_transcript(
                data=SEED.read_bytes(), filename=SEED.name
            )
            self.stdout.write(result.summary())
            if not candidates_only:
                path = options["glossary"]
                try:
                    with open(path, "rb") as handle:
                        loaded = glossary_load_file(data=handle.read(), filename=path)
                except OSError as error:
                    raise CommandError(f"{path}: {error.strerror}.") from error
                except ValidationError as error:
                    raise CommandError("\n".join(error.messages)) from error
                self.stdout.write(loaded.summary())
            proposal = terms_propose_candidates()
        citations = citations_refresh()
        self.stdout.write(
            f"Review queue: {len(proposal.created)} new candidate terms "
            f"({len(proposal.ranking)} ranked); {citations.created} new citations."
        )
        database = settings.DATABASES["default"]
        engine = database["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            "\n".join(
                [
                    "",
                    self.style.SUCCESS("kb is ready."),
                    f"  Pages:  {address}/  (A–Z: {address}/concepts/)",
                    f"  API:    {address}/api/v1/",
                    f"  Admin:  {address}/admin/  (review queue: "
                    f"{address}/admin/glossary/term/?status__exact=candidate)",
                    f"  Database: {engine} ({database['NAME']})",
                    "",
                    "To log in as an editor, create an account (no default password):",
                    "  .venv/bin/python manage.py create_editor NAME"
                    " --generate-password",
                    "",
                ]
            )
        )
