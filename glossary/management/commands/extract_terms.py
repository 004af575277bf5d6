"""Propose candidate terms from episodes: `manage.py extract_terms [EPISODE ...]`.

Ranks terms in each of the named episodes (slugs; all episodes by default),
each in the context of the rest of its show, stores every episode's best
candidates for editors to review, refreshes the evidence of existing
candidates, and prints the top of the whole-show order as a table.

`--ranking EPISODE` prints that episode's review queue as stored, one label a
line and nothing else; `--ranking all` prints the whole-show queue. Neither
extracts anything: run the command without it first.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from glossary.extraction import PER_EPISODE
from glossary.models import Episode
from glossary.services.extraction import (
    candidates_for_episode,
    candidates_for_show,
    terms_propose_candidates,
)


class Command(BaseCommand):
    help = "Propose candidate terms from episode transcripts and show the ranking."

    def add_arguments(self, parser):
        parser.add_argument(
            "episodes", nargs="*", metavar="EPISODE", help="Episode slugs."
        )
        parser.add_argument(
            "--per-episode",
            type=int,
            default=PER_EPISODE,
            help=f"Candidates each episode keeps (default {PER_EPISODE}).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="At most this many candidates in all (default: no cap).",
        )
        parser.add_argument(
            "--show", type=int, default=25, help="Rows of the table to print."
        )
        parser.add_argument(
            "--ranking",
            metavar="EPISODE|all",
            help="Only print the stored review queue of one episode (its slug) "
            "or of the whole show ('all'), one label a line.",
        )

    def handle(self, *args, episodes, per_episode, limit, show, ranking, **options):
        if ranking is not None:
            self._print_ranking(ranking)
            return
        if per_episode < 1:
            raise CommandError("--per-episode must be at least 1.")
        selected = None
        if episodes:
            selected = list(Episode.objects.filter(slug__in=episodes))
            missing = sorted(set(episodes) - {e.slug for e in selected})
            if missing:
                raise CommandError(f"No such episode: {', '.join(missing)}")
        result = terms_propose_candidates(
            episodes=selected,
            per_episode=per_episode,
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

    def _print_ranking(self, which: str) -> None:
        if which == "all":
            terms = candidates_for_show()
        else:
            episode = Episode.objects.filter(slug=which).first()
            if episode is None:
                raise CommandError(f"No such episode: {which}")
            terms = candidates_for_episode(episode=episode)
        for term in terms:
            self.stdout.write(term.label)
