from django.core.management.base import BaseCommand

from blog import view_counts


class Command(BaseCommand):
    help = (
        "Add the reads waiting in Redis to the view counts now (done every few seconds while"
        " reads keep coming)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Added {view_counts.flush():,} reads.")
