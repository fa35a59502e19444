from django.core.management.base import BaseCommand

from blog.demo import load_demo


class Command(BaseCommand):
    help = "Load demo categories, tags and posts. Running it again changes nothing."

    def handle(self, *args, **options):
        report = load_demo()
        self.stdout.write(self.style.SUCCESS(report.summary()))
