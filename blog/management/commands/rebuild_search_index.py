from django.core.management.base import BaseCommand
from django.db import transaction

from blog.importers import ProgressBar
from blog.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index from scratch (after a restore or an import)."

    def handle(self, *args, **options):
        # A bar that redraws itself on a terminal; a line a batch in a log.
        progress = ProgressBar(self.stdout) if self.stdout.isatty() else self.progress_line
        with transaction.atomic():
            count = rebuild_index(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} published posts."))

    def progress_line(self, done, total):
        self.stdout.write(f"  {done:,} / {total:,} posts indexed")
