from django.core.management.base import BaseCommand

from blog.images import regenerate_renditions


class Command(BaseCommand):
    help = "Make the resized copies of every cover image again (after changing their sizes)."

    def handle(self, *args, **options):
        done, failed = regenerate_renditions()
        for line in failed:
            self.stderr.write(f"Skipped {line}")
        self.stdout.write(self.style.SUCCESS(f"Made renditions for {done:,} cover(s)."))
