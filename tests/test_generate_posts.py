"""generate_posts: realistic synthetic posts in bulk, for load and search tests."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from blog import search
from blog.models import Category, Post, Tag, TaggedPost
from blog.search import parse
from blog.synthetic import AUTHORS, generate_posts, plan_posts, write_posts

HEADING = re.compile(r"^## \S", re.MULTILINE)


def words(markdown: str) -> int:
    """Words of the text, not counting Markdown markers such as "##" and "-"."""
    return sum(1 for token in markdown.split() if any(c.isalpha() for c in token))


def test_creates_exactly_count_posts(db):
    reports = []
    assert generate_posts(20, batch_size=7, progress=lambda *report: reports.append(report)) == 20
    assert Post.objects.count() == 20
    assert reports == [(7, 20), (14, 20), (20, 20)]


def test_five_percent_of_posts_are_drafts():
    drafts = sum(plan.draft for plan in plan_posts(seed=1, start=0, stop=200))
    assert 2 <= drafts <= 20


def test_drafts_have_no_date_and_published_posts_date_from_the_past_five_years(db):
    planned_drafts = sum(plan.draft for plan in plan_posts(seed=1, start=0, stop=40))
    assert planned_drafts  # the seed gives at least one draft among the first 40
    generate_posts(40, seed=1)
    drafts = Post.objects.filter(status=Post.Status.DRAFT)
    assert drafts.count() == planned_drafts
    assert not drafts.exclude(published_at=None).exists()
    now = timezone.now()
    dates = Post.objects.filter(status=Post.Status.PUBLISHED).values_list("published_at", flat=True)
    assert len(dates) == 40 - planned_drafts
    assert all(now - timedelta(days=5 * 365) <= date <= now for date in dates)


def test_publication_dates_spread_over_five_years():
    days = [plan.age_seconds / 86_400 for plan in plan_posts(seed=1, start=0, stop=200)]
    assert min(days) < 365 and max(days) > 4 * 365


def test_posts_read_like_articles(db):
    generate_posts(20, seed=2)
    for post in Post.objects.all():
        assert 4 <= len(post.title.split()) <= 10, post.title
        assert 400 <= words(post.body) <= 2_000, post.slug
        assert 2 <= len(HEADING.findall(post.body)) <= 5, post.slug
        assert "<h2" in post.body_html
        assert post.excerpt
        assert post.reading_time >= 2


def test_twelve_categories_and_tagged_posts(db):
    generate_posts(20, seed=4)
    assert Category.objects.count() == 12
    assert Tag.objects.count() == 300
    tag_counts = Post.objects.annotate(n=Count("tags")).values_list("n", flat=True)
    assert all(1 <= n <= 5 for n in tag_counts)
    # Tags are saved with the fields Tag.save() would compute.
    tag = Tag.objects.get(pk=TaggedPost.objects.first().tag_id)
    assert tag.folded_name == tag.name.casefold() and tag.slug


def test_synthetic_authors_are_created_once(db):
    generate_posts(3, seed=5)
    generate_posts(3, seed=6)
    usernames = {username for username, _, _ in AUTHORS}
    authors = get_user_model().objects.filter(username__in=usernames)
    assert authors.count() == len(AUTHORS)
    assert not any(author.has_usable_password() for author in authors)


def test_running_twice_adds_posts_with_unique_slugs(db):
    generate_posts(20)
    generate_posts(20)
    assert Post.objects.count() == 40
    assert Post.objects.values("slug").distinct().count() == 40
    assert Category.objects.count() == 12
    assert Tag.objects.count() == 300


def test_existing_categories_and_tags_are_reused(db, category):
    Category.objects.create(name="Science", slug="science")
    Tag.objects.create(name="open source")
    generate_posts(3, seed=7)
    assert Category.objects.count() == 13  # "News" from the fixture and the twelve
    assert Tag.objects.filter(folded_name="open source").count() == 1


def test_same_seed_gives_the_same_posts_whatever_the_batches():
    whole = write_posts(seed=9, start=0, stop=4)
    pieces = write_posts(seed=9, start=0, stop=1) + write_posts(seed=9, start=1, stop=4)
    assert whole == pieces
    assert write_posts(seed=10, start=0, stop=1) != whole[:1]


def test_text_has_inflected_and_accented_words():
    text = " ".join(post.body for post in write_posts(seed=11, start=0, stop=10)).lower()
    assert re.search(r"\b\w+ing\b", text)
    assert re.search(r"\b\w+ed\b", text)
    assert re.search(r"[éèàüöñç]", text)


def test_command_reports_progress_per_batch(db):
    out = StringIO()
    call_command("generate_posts", count=5, batch_size=2, seed=12, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "  2 / 5 posts (40%)",
        "  4 / 5 posts (80%)",
        "  5 / 5 posts (100%)",
    ]
    assert lines[3].startswith("Created 5 posts")
    assert Post.objects.count() == 5


class Terminal(StringIO):
    def isatty(self):
        return True


def test_command_draws_a_bar_on_a_terminal(db):
    out = Terminal()
    call_command("generate_posts", count=4, batch_size=2, seed=12, stdout=out)
    assert "\r[###############...............] 2/4" in out.getvalue()


def test_every_published_post_generated_is_searchable(db):
    generate_posts(12, seed=5)
    missed = [
        post.title
        for post in Post.objects.published()
        if post.pk not in search.search_posts(parse(f'"{post.title}"')).post_ids
    ]
    assert missed == []


def test_command_refuses_a_count_below_one(db):
    with pytest.raises(CommandError):
        call_command("generate_posts", count=0, stdout=StringIO())


def test_posts_get_their_ids_where_bulk_insert_returns_none(db, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    generate_posts(3, seed=13)
    assert TaggedPost.objects.values("content_object").distinct().count() == 3
