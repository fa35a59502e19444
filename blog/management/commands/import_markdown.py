from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from blog.importers import run_command
from blog.importers.markdown import MarkdownImporter


class Command(BaseCommand):
    help = (
        "Import a folder of Markdown files with YAML front matter (Jekyll, Hugo, Eleventy). "
        "Running it again creates nothing twice; changed files update their posts."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--author", help="Username of the author of posts whose front matter names none."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, folder, author, dry_run, **options):
        default_author = None
        if author:
            default_author = get_user_model().objects.filter(username=author).first()
            if default_author is None:
                raise CommandError(f"There is no user named {author!r}.")
        importer = MarkdownImporter(folder, default_author)
        run_command(self, importer, dry_run)
