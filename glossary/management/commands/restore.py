"""Restore a backup made by `manage.py backup`: `manage.py restore PATH`.

Run `manage.py migrate` first on a new, empty database.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.backup import database_restore


class Command(BaseCommand):
    help = "Load a backup file into this (migrated, empty) database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")

    def handle(self, *args, path: str, **options):
        try:
            database_restore(path=Path(path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
