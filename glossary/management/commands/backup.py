"""Back up the database to a file: `manage.py backup PATH`.

PostgreSQL: a `pg_dump` custom-format archive; SQLite (the demo): JSON from
`dumpdata`. Restore with `manage.py restore PATH`.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.backup import database_backup


class Command(BaseCommand):
    help = "Write the whole database to a backup file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup.")

    def handle(self, *args, path: str, **options):
        try:
            written = database_backup(path=Path(path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written} ({size} bytes)."))
