"""Restore a backup made by `manage.py backup`: `manage.py restore PATH`.

Run `manage.py migrate` first on a new, empty database. A database that
already holds data is refused unless `--replace` is given; then the command
says what it replaced.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.backup import database_restore, describe_contents


class Command(BaseCommand):
    help = "Load a backup file into this (migrated, empty) database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace everything this database holds with the backup "
            "(refused without it when the database is not empty).",
        )

    def handle(self, *args, path: str, replace: bool, **options):
        try:
            replaced = database_restore(path=Path(path), replace=replace)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if replaced:
            self.stdout.write(f"Replaced {describe_contents(replaced)}.")
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
