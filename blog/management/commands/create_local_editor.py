from django.core.management.base import BaseCommand

from blog.accounts import create_local_editor


class Command(BaseCommand):
    help = "Create an editor account for a new local site, once, and print its password."

    def handle(self, *args, **options):
        created = create_local_editor()
        if created is None:
            self.stdout.write("An editor account already exists; no account created.")
            return
        username, password = created
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the editor account {username!r} with the password {password!r}.\n"
                "It is shown only this once: note it, or reset it with "
                f"`.venv/bin/python manage.py changepassword {username}`."
            )
        )
