from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from blog.roles import ROLES, create_account


class Command(BaseCommand):
    help = "Create a staff account with the Author or Editor role and print its generated password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        try:
            password = create_account(username, role, email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the {ROLES[role].lower()} account {username!r} with the password "
                f"{password!r}.\nIt is shown only this once: note it, or reset it with "
                f"`.venv/bin/python manage.py changepassword {username}`."
            )
        )
