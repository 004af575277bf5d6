"""Load the seed episode and say where everything is: `manage.py load_demo`.

Used by `make run`. Safe to run again: ingestion is idempotent.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from glossary.services.citations import citations_refresh
from glossary.services.extraction import terms_propose_candidates
from glossary.services.ingest import episode_ingest_transcript

SEED = settings.BASE_DIR / "fixtures" / "retort-ep04-developing-llms.txt"


class Command(BaseCommand):
    help = "Ingest the seed episode and print where the admin, API and pages are."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="Where the server will listen.",
        )

    def handle(self, *args, address: str, **options):
        result = episode_ingest_transcript(data=SEED.read_bytes(), filename=SEED.name)
        self.stdout.write(result.summary())
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
                    f"  Pages:  {address}/",
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
