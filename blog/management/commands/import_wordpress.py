from pathlib import Path

from django.core.management.base import BaseCommand

from blog.importers import run_command
from blog.importers.wordpress import DEFAULT_MAX_BYTES, WordPressImporter


class Command(BaseCommand):
    help = (
        "Import a WordPress export file (WXR): posts, pages as static pages, categories, tags, "
        "authors and images. Running it again creates nothing twice; changed entries update."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .xml file of Tools → Export.")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the site's wp-content/uploads folder, where images are looked up.",
        )
        parser.add_argument(
            "--max-size",
            type=int,
            default=DEFAULT_MAX_BYTES // 2**20,
            help="Refuse files larger than this many megabytes (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, file, media_dir, max_size, dry_run, **options):
        importer = WordPressImporter(file, media_dir, max_bytes=max_size * 2**20)
        run_command(self, importer, dry_run)
