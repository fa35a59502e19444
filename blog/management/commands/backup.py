from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded media into one file, safely while the site "
        "serves (SQLite's backup API, or pg_dump)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to write (.tar.gz).")

    def handle(self, *args, file, **options):
        try:
            manifest = create_backup(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        media = f"{manifest['media_files']:,} media files" if manifest["media"] else "no media"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database']} database and {media} to {file}."
            )
        )
