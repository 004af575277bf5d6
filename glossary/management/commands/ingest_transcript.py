"""Ingest a transcript file into an episode: `manage.py ingest_transcript PATH`.

Running it again on the same file changes nothing; on a changed file it
updates the episode's segments and keeps editors' work.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.ingest import episode_ingest_transcript
from glossary.transcripts import FORMATS, TranscriptError


class Command(BaseCommand):
    help = "Create or update an episode from a transcript (txt, vtt, srt, json, html)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The transcript file.")
        parser.add_argument("--show", help="The show's name (default: KB_SHOW_NAME).")
        parser.add_argument(
            "--slug", help="The episode's slug, when the file names no title."
        )
        parser.add_argument(
            "--audio-url", help="The episode's audio file, for play-from links."
        )
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The file's format (default: detected from its name and content).",
        )

    def handle(self, *args, path, show, slug, audio_url, format, **options):
        file = Path(path)
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
            )
        except TranscriptError as error:
            raise CommandError(f"{path}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"{path}: {'; '.join(error.messages)}") from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
