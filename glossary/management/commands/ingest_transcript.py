"""Ingest a transcript file into an episode: `manage.py ingest_transcript PATH`.

Running it again on the same file changes nothing; on a changed file it
updates the episode's segments and keeps editors' work. Which episode a file
updates is never guessed from its title or name: `--show` with the file's
episode number, or `--episode SLUG`; anything else makes a new episode.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.models import Episode
from glossary.services.ingest import episode_ingest_transcript
from glossary.transcripts import FORMATS, TranscriptError


class Command(BaseCommand):
    help = "Create or update an episode from a transcript (txt, vtt, srt, json, html)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The transcript file.")
        parser.add_argument(
            "--show",
            help="The show's title (created if new). With it, the file's episode "
            "number finds the episode to update. Default: kb's only show.",
        )
        parser.add_argument(
            "--slug",
            help="The episode's slug: the episode to update, or the new one's.",
        )
        parser.add_argument(
            "--episode",
            metavar="SLUG",
            help="Update this existing episode (refused if there is none).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the episode's segments even when the transcript looks "
            "like another episode's (other title, show or speakers).",
        )
        parser.add_argument(
            "--audio-url", help="The episode's audio file, for play-from links."
        )
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The file's format (default: detected from its name and content).",
        )

    def handle(
        self, *args, path, show, slug, episode, replace, audio_url, format, **options
    ):
        file = Path(path)
        target = None
        if episode:
            target = Episode.objects.filter(slug=episode).first()
            if target is None:
                raise CommandError(f"--episode {episode}: no episode has this slug.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                f"{path}: cannot read the file: {error.strerror}"
            ) from None
        try:
            result = episode_ingest_transcript(
                data=data,
                filename=file.name,
                format=format,
                show=show,
                slug=slug,
                audio_url=audio_url,
                episode=target,
                replace=replace,
            )
        except TranscriptError as error:
            raise CommandError(f"{path}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"{path}: {'; '.join(error.messages)}") from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
