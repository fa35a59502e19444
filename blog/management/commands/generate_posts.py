import time

from django.core.management.base import BaseCommand, CommandError

from blog.importers import ProgressBar
from blog.synthetic import generate_posts


class Command(BaseCommand):
    help = (
        "Add synthetic posts (English-like Markdown, 400-2,000 words each) for load and "
        "search tests, with 12 categories, 300 tags and 5 authors created where missing. "
        "Running it again adds more posts; the same --seed gives the same text again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many posts to add.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the random text.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Posts written per transaction (default 1000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Processes rendering Markdown (default: 1 for small runs, else one per CPU).",
        )

    def handle(self, *args, count, seed, batch_size, workers, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1.")
        started = time.monotonic()

        # A bar that redraws itself on a terminal; a line a batch in a log.
        progress = ProgressBar(self.stdout) if self.stdout.isatty() else self.progress_line
        created = generate_posts(
            count, seed=seed, batch_size=batch_size, progress=progress, workers=workers
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created:,} posts in {seconds:.1f} s "
                f"({created / max(seconds, 0.001):,.0f} posts/s)."
            )
        )

    def progress_line(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done:,} / {total:,} posts ({done * 100 // total}%)")
