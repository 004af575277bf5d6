"""Propose candidate terms from episodes: `manage.py extract_terms [EPISODE ...]`.

Ranks terms over the named episodes (slugs; all episodes by default), stores
new candidates for editors to review, refreshes the evidence of existing
candidates, and prints the top of the ranking as a table.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from glossary.models import Episode
from glossary.services.extraction import terms_propose_candidates


class Command(BaseCommand):
    help = "Propose candidate terms from episode transcripts and show the ranking."

    def add_arguments(self, parser):
        parser.add_argument(
            "episodes", nargs="*", metavar="EPISODE", help="Episode slugs."
        )
        parser.add_argument(
            "--limit", type=int, default=150, help="How many top candidates to keep."
        )
        parser.add_argument(
            "--show", type=int, default=25, help="Rows of the table to print."
        )

    def handle(self, *args, episodes: list[str], limit: int, show: int, **options):
        selected = None
        if episodes:
            selected = list(Episode.objects.filter(slug__in=episodes))
            missing = sorted(set(episodes) - {e.slug for e in selected})
            if missing:
                raise CommandError(f"No such episode: {', '.join(missing)}")
        result = terms_propose_candidates(
            episodes=selected,
            limit=limit,
            progress=lambda items: tqdm(
                items, desc="episodes", unit="ep", file=self.stderr
            ),
        )
        status = {term.label: "new" for term in result.created}
        status.update({term.label: "updated" for term in result.updated})
        self.stdout.write(
            f"{'rank':>4}  {'score':>7}  {'freq':>4}  {'kind':<8}  status   term"
        )
        for rank, candidate in enumerate(result.ranking[:show], start=1):
            self.stdout.write(
                f"{rank:>4}  {candidate.score:>7.3f}  {candidate.frequency:>4}  "
                f"{candidate.kind:<8}  {status.get(candidate.label, '-'):<7}  "
                f"{candidate.label}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Candidates: {len(result.created)} created, "
                f"{len(result.updated)} updated, "
                f"{result.unchanged} unchanged, {result.skipped} already curated."
            )
        )
