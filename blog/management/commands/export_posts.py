import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.exporters import export_jsonl, export_markdown


class Command(BaseCommand):
    help = (
        "Export every post, drafts included: --format markdown DIR writes one file per post "
        "that import_markdown reads back; --format jsonl FILE (- for stdout), one JSON object "
        "a line."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A new or empty folder, or the JSON lines file.")
        parser.add_argument("--format", choices=["markdown", "jsonl"], default="markdown")

    def handle(self, *args, destination, format, **options):
        if format == "jsonl":
            if destination == "-":
                count = export_jsonl(sys.stdout)
            else:
                with Path(destination).open("w", encoding="utf-8") as stream:
                    count = export_jsonl(stream)
            self.stderr.write(f"Exported {count:,} posts.")
            return
        try:
            count, problems = export_markdown(Path(destination))
        except OSError as error:
            raise CommandError(str(error)) from None
        for problem in problems:
            self.stderr.write(f"Cover not exported: {problem}")
        self.stdout.write(self.style.SUCCESS(f"Exported {count:,} posts to {destination}."))
