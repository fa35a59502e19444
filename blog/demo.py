"""Demo content for a fresh install, loaded by `python manage.py load_demo`.

The posts' Markdown lives in blog/demo_content/<slug>.md; everything else is here.
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from blog.models import Category, Post, Tag

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
AUTHOR_USERNAME = "dispatch"
NEWS_ARTICLE_SLUG = "council-adopts-open-source-first-policy"
DRAFT_SLUG = "draft-weekly-print-edition"
SCHEDULED_SLUG = "scheduled-reader-survey-results"
COVER_SIZE = (1200, 630)

CATEGORIES = {
    "news": (
        "News",
        "Reporting on Larkfield: the council, the river, the roads and the people who keep "
        "the town running.",
    ),
    "engineering": (
        "Engineering",
        "How we build and run the Dispatch, from Django models to the server behind them.",
    ),
    "culture": (
        "Culture",
        "Markets, libraries, books and the small traditions that make a town worth living in.",
    ),
    "guides": (
        "Guides",
        "Practical help for readers and contributors: how to reach us, how we write and how "
        "we work.",
    ),
}


@dataclass(frozen=True)
class Cover:
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    circles: tuple[tuple[int, int, int], ...]  # (centre x, centre y, radius)
    alt: str


@dataclass(frozen=True)
class DemoPost:
    slug: str
    title: str
    category: str  # a key of CATEGORIES
    tags: tuple[str, ...]
    days_ago: int | None  # None makes a draft; a negative number schedules the post
    excerpt: str = ""  # empty: Post.save derives it from the body
    cover: Cover | None = None


POSTS = (
    DemoPost(
        slug=NEWS_ARTICLE_SLUG,
        title="Council makes open source the default after AI chatbot review",
        category="news",
        tags=("AI Security", "Open Source", "Local Government", "Privacy", "Larkfield"),
        days_ago=3,
        excerpt="Larkfield will judge every new software purchase against five written "
        "questions, after a review found its chatbot pilot had been passing residents' "
        "messages to an AI service nobody at the town hall could name.",
        cover=Cover(
            top=(18, 38, 84),
            bottom=(22, 136, 146),
            circles=((330, 315, 190), (560, 260, 150), (760, 360, 120)),
            alt="Abstract illustration: a navy-to-teal gradient with three overlapping pale "
            "circles.",
        ),
    ),
    DemoPost(
        slug="river-path-reopens",
        title="River path reopens after two winters of repairs",
        category="news",
        tags=("Larkfield", "Transport", "Outdoors"),
        days_ago=11,
    ),
    DemoPost(
        slug="why-we-built-the-dispatch-on-django",
        title="Why we built the Dispatch on Django",
        category="engineering",
        tags=("Django", "Python", "Open Source"),
        days_ago=19,
        cover=Cover(
            top=(12, 75, 51),
            bottom=(68, 183, 139),
            circles=((880, 250, 220), (1040, 470, 140)),
            alt="Abstract illustration: a dark-to-light green gradient with two large pale "
            "circles on the right.",
        ),
    ),
    DemoPost(
        slug="markdown-at-save-time",
        title="Rendering Markdown once, when you press Save",
        category="engineering",
        tags=("Django", "Markdown", "Web Publishing"),
        days_ago=30,
    ),
    DemoPost(
        slug="ten-years-of-the-saturday-market",
        title="Ten years of the Saturday market",
        category="culture",
        tags=("Larkfield", "Food", "Community"),
        days_ago=42,
        cover=Cover(
            top=(242, 153, 74),
            bottom=(178, 52, 40),
            circles=((200, 430, 70), (340, 470, 80), (500, 440, 65), (650, 480, 75)),
            alt="Abstract illustration: an orange-to-red gradient with a row of pale circles "
            "along the bottom, like apples on a market table.",
        ),
    ),
    DemoPost(
        slug="library-night-reading-room",
        title="The library's night reading room turns one",
        category="culture",
        tags=("Larkfield", "Books", "Community"),
        days_ago=55,
    ),
    DemoPost(
        slug="how-to-send-us-a-news-tip",
        title="How to send us a news tip",
        category="guides",
        tags=("Reader Guide", "Privacy"),
        days_ago=68,
        excerpt="Email, a letter or a word at the market: how to reach us, what to include, "
        "and how to stay anonymous.",
    ),
    DemoPost(
        slug="dispatch-style-guide",
        title="Writing for the Dispatch: a short style guide",
        category="guides",
        tags=("Reader Guide", "Writing", "Markdown"),
        days_ago=83,
    ),
    DemoPost(
        slug=DRAFT_SLUG,
        title="Draft: should the Dispatch print a weekly edition?",
        category="culture",
        tags=("Print", "Community"),
        days_ago=None,
    ),
    DemoPost(
        slug=SCHEDULED_SLUG,
        title="Scheduled: what our first reader survey told us",
        category="news",
        tags=("Reader Survey", "Community"),
        days_ago=-30,
    ),
)


@dataclass
class DemoReport:
    author_created: bool = False
    categories_created: int = 0
    categories_present: int = 0
    posts_created: int = 0
    posts_present: int = 0
    tags_created: int = 0

    def summary(self) -> str:
        author = "created" if self.author_created else "already present or given"
        return (
            f"Posts: {self.posts_created} created, {self.posts_present} already present.\n"
            f"Categories: {self.categories_created} created, "
            f"{self.categories_present} already present.\n"
            f"Tags: {self.tags_created} created.\n"
            f"Author: {author}."
        )


def load_demo(author=None, *, now: datetime | None = None) -> DemoReport:
    """Create the demo categories, tags and posts that are missing; never touch existing ones.

    Posts are written by `author`, or by a "dispatch" user created for the purpose.
    Publication dates are spread backwards (and one forwards) from `now`.
    """
    now = now or timezone.now()
    report = DemoReport()
    with transaction.atomic():
        tags_before = Tag.objects.count()
        if author is None:
            author, report.author_created = _get_or_create_author()
        categories = {}
        for slug, (name, description) in CATEGORIES.items():
            categories[slug], created = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            if created:
                report.categories_created += 1
            else:
                report.categories_present += 1
        for demo in POSTS:
            # A post that exists may have been edited since: leave it exactly as it is.
            if Post.objects.filter(slug=demo.slug).exists():
                report.posts_present += 1
                continue
            _create_post(demo, author, categories[demo.category], now)
            report.posts_created += 1
        report.tags_created = Tag.objects.count() - tags_before
    return report


def _get_or_create_author():
    return get_user_model().objects.get_or_create(
        username=AUTHOR_USERNAME,
        defaults={
            "first_name": "Dispatch",
            "last_name": "Staff",
            "is_active": True,
            "is_staff": False,
            # make_password(None) is an unusable password: nobody can log in as this user.
            "password": make_password(None),
        },
    )


def _create_post(demo: DemoPost, author, category: Category, now: datetime) -> Post:
    if demo.days_ago is None:
        status, published_at = Post.Status.DRAFT, None
    else:
        status, published_at = Post.Status.PUBLISHED, now - timedelta(days=demo.days_ago)
    post = Post(
        title=demo.title,
        slug=demo.slug,
        excerpt=demo.excerpt,
        body=(CONTENT_DIR / f"{demo.slug}.md").read_text(encoding="utf-8"),
        category=category,
        author=author,
        status=status,
        published_at=published_at,
    )
    if demo.cover:
        post.cover_image.save(f"{demo.slug}.jpg", ContentFile(_cover_jpeg(demo.cover)), save=False)
        post.cover_image_alt = demo.cover.alt
    post.save()
    # Tags need the post's primary key, so they can only be set after the first save.
    post.tags.set(list(demo.tags))
    return post


def _cover_jpeg(cover: Cover) -> bytes:
    # linear_gradient is a 256px black-to-white ramp; stretched, it blends top into bottom.
    mask = Image.linear_gradient("L").resize(COVER_SIZE)
    top = Image.new("RGB", COVER_SIZE, cover.top)
    bottom = Image.new("RGB", COVER_SIZE, cover.bottom)
    image = Image.composite(bottom, top, mask)
    draw = ImageDraw.Draw(image, "RGBA")
    for x, y, r in cover.circles:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 64))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
