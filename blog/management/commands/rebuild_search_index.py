from django.core.management.base import BaseCommand
from django.db import transaction

from blog.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index from scratch (after a restore or an import)."

    def handle(self, *args, **options):
        def progress(done, total):
            self.stdout.write(f"  {done:,} / {total:,} posts indexed")

        with transaction.atomic():
            count = rebuild_index(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} posts."))
