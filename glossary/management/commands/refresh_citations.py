"""Rebuild automatic citations: `manage.py refresh_citations [--term SLUG]`.

Finds every mention of every term that is not rejected in every segment.
Idempotent; manual citations and featured flags are kept.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from glossary.models import Term
from glossary.services.citations import citations_refresh


class Command(BaseCommand):
    help = "Rebuild the automatic citations of terms from the transcripts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--term",
            action="append",
            dest="terms",
            metavar="SLUG",
            help="Only this term.",
        )

    def handle(self, *args, terms: list[str] | None, **options):
        selected = None
        if terms:
            selected = list(Term.objects.filter(slug__in=terms))
            missing = sorted(set(terms) - {t.slug for t in selected})
            if missing:
                raise CommandError(f"No such term: {', '.join(missing)}")
        result = citations_refresh(
            terms=selected,
            progress=lambda items: tqdm(
                items, desc="episodes", unit="ep", file=self.stderr
            ),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Citations: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.deleted} deleted."
            )
        )
