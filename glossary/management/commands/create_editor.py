"""Create an editor account: `manage.py create_editor USERNAME`.

Asks for the password twice, or makes a strong one with
`--generate-password` and prints it once. There is no default password.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from glossary.services.accounts import editor_create, generate_password


class Command(BaseCommand):
    help = "Create a staff account in the Editor group, able to curate the glossary."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            dest="generate",
            help="Make a random password and print it, instead of asking for one.",
        )

    def handle(self, *args, username, email, generate: bool, **options):
        if generate:
            password = generate_password()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            editor_create(username=username, password=password, email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created editor {username!r}."))
        if generate:
            self.stdout.write(f"Password (shown once): {password}")
