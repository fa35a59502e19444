"""Tag pages and feeds read a tag's newest posts off the taggings' own copy of the publication
time (TaggedPost.published_at): every way a post's status, date or tags change keeps it in step,
and nothing unpublished is listed whatever the copy says."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import redirects
from blog.models import Post, Tag, TaggedPost


def listed(client, slug="python"):
    # Changes in a test never commit, so the content version that keys the list's count
    # stays put: start afresh.
    cache.clear()
    response = client.get(reverse("blog:tag_detail", args=[slug]))
    if response.status_code == 404:
        return []
    titles = dict(Post.objects.values_list("pk", "title"))
    return [titles[pk] for pk in response.context["object_list"]]


def fed(client, slug="python"):
    response = client.get(reverse("blog:tag_feed", args=[slug]))
    if response.status_code == 404:
        return []
    return [title.split("</title>")[0] for title in response.text.split("<item><title>")[1:]]


def copies():
    """{post title: the copy of its listing time on each of its taggings}"""
    rows = TaggedPost.objects.values_list("content_object__title", "published_at")
    found = {}
    for title, published_at in rows:
        found.setdefault(title, set()).add(published_at)
    return found


@pytest.fixture
def hours_ago():
    now = timezone.now()
    return lambda hours: now - timedelta(hours=hours)


@pytest.fixture
def posts(make_post, hours_ago):
    """Three published posts tagged Python, the newest first in the list."""
    return [
        make_post(title=title, published_at=hours_ago(hours), tags=["Python", "Web"])
        for title, hours in (("Middle", 2), ("Newest", 1), ("Oldest", 3))
    ]


def test_tag_page_and_feed_list_published_posts_newest_first(client, posts):
    assert listed(client) == ["Newest", "Middle", "Oldest"]
    assert fed(client) == ["Newest", "Middle", "Oldest"]


def test_posts_published_at_the_same_time_come_newest_id_first(client, make_post, hours_ago):
    for title in ("First", "Second", "Third"):
        make_post(title=title, published_at=hours_ago(1), tags=["Python"])
    assert listed(client) == ["Third", "Second", "First"]


def test_drafts_and_scheduled_posts_are_not_listed(client, posts, make_post):
    make_post(title="Draft", status=Post.Status.DRAFT, tags=["Python"])
    make_post(title="Soon", published_at=timezone.now() + timedelta(days=1), tags=["Python"])
    assert listed(client) == fed(client) == ["Newest", "Middle", "Oldest"]
    assert copies()["Draft"] == {None}


def test_a_scheduled_post_is_listed_when_it_falls_due(client, posts, make_post, monkeypatch):
    soon = make_post(
        title="Soon", published_at=timezone.now() + timedelta(hours=1), tags=["Python"]
    )
    assert "Soon" not in listed(client)
    monkeypatch.setattr(timezone, "now", lambda: soon.published_at + timedelta(minutes=1))
    assert listed(client)[0] == fed(client)[0] == "Soon"


def test_saving_a_post_moves_it_in_its_tags_lists(client, posts, hours_ago):
    middle, newest, oldest = posts
    oldest.published_at = hours_ago(0.5)
    oldest.save()
    assert listed(client) == ["Oldest", "Newest", "Middle"]

    newest.status = Post.Status.DRAFT
    newest.save(update_fields=["status"])
    assert listed(client) == fed(client) == ["Oldest", "Middle"]
    assert listed(client, "web") == ["Oldest", "Middle"]

    newest.status = Post.Status.PUBLISHED
    newest.save()
    assert listed(client) == ["Oldest", "Newest", "Middle"]


def test_a_save_of_other_fields_leaves_the_taggings_alone(posts):
    middle = Post.objects.get(pk=posts[0].pk)
    middle.title = "Renamed"
    with CaptureQueriesContext(connection) as captured:
        middle.save(update_fields=["title"])
    assert not [query for query in captured if 'UPDATE "blog_taggedpost"' in query["sql"]]


def test_bulk_updates_move_posts_in_their_tags_lists(client, posts, hours_ago):
    middle, newest, oldest = posts
    Post.objects.filter(pk=newest.pk).update(status=Post.Status.DRAFT)
    assert listed(client) == ["Middle", "Oldest"]

    Post.objects.filter(pk__in=[newest.pk, oldest.pk]).update(
        status=Post.Status.PUBLISHED, published_at=hours_ago(0.5)
    )
    assert listed(client) == ["Oldest", "Newest", "Middle"]

    middle.published_at = hours_ago(0.1)
    oldest.status = Post.Status.DRAFT
    Post.objects.bulk_update([middle, oldest], ["status", "published_at"])
    assert listed(client) == ["Middle", "Newest"]
    assert copies()["Oldest"] == {None}


def test_scheduling_a_post_takes_it_off_its_tags_lists(client, posts):
    newest = posts[1]
    Post.objects.filter(pk=newest.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert listed(client) == fed(client) == ["Middle", "Oldest"]


def test_tags_added_later_list_the_post_by_its_date(client, posts, make_post, hours_ago):
    late = make_post(title="Late", published_at=hours_ago(2.5))
    late.tags.add("Python")
    assert listed(client) == ["Newest", "Middle", "Late", "Oldest"]

    draft = make_post(title="Draft", status=Post.Status.DRAFT)
    draft.tags.add("Python")
    assert "Draft" not in listed(client)


def test_tags_added_in_bulk_list_the_post_by_its_date(client, posts, make_post, hours_ago):
    ruby = Tag.objects.create(name="Ruby")
    old = make_post(title="Old", published_at=hours_ago(4))
    draft = make_post(title="Draft", status=Post.Status.DRAFT)
    TaggedPost.objects.bulk_create(
        [TaggedPost(tag=ruby, content_object=old), TaggedPost(tag=ruby, content_object_id=draft.pk)]
    )
    assert listed(client, "ruby") == ["Old"]
    assert copies()["Draft"] == {None}


def test_merged_tags_list_their_posts_by_date(client, posts, make_post, hours_ago):
    make_post(title="Py", published_at=hours_ago(1.5), tags=["Py"])
    redirects.merge_tags(Tag.objects.get(slug="python"), [Tag.objects.get(slug="py")])
    assert listed(client) == ["Newest", "Py", "Middle", "Oldest"]


def test_a_stale_copy_never_lists_an_unpublished_post(client, posts):
    # Written behind the model's back, as raw SQL or a restored old backup might.
    Post.objects.filter(pk=posts[1].pk).update(status=Post.Status.DRAFT)
    TaggedPost.objects.filter(content_object=posts[1]).update(published_at=posts[1].published_at)
    assert listed(client) == fed(client) == ["Middle", "Oldest"]


PLANNER_SETUP = {
    # Statistics another test left loaded describe rows long gone: plan without them.
    "sqlite": ["DROP TABLE IF EXISTS sqlite_stat1", "ANALYZE sqlite_schema"],
    # A tiny table is read whole; the planner must still be able to use the index.
    "postgresql": ["SET LOCAL enable_seqscan = off", "SET LOCAL enable_sort = off"],
}
SORT_IN_PLAN = {"sqlite": "TEMP B-TREE", "postgresql": "Sort"}


def test_tagged_posts_are_read_in_the_order_of_an_index(posts):
    """No sort of all the tag's posts: the first page reads ten rows however large the tag."""
    query = Post.objects.published().for_listing().tagged(Tag.objects.get(slug="python"))[:10]
    with connection.cursor() as cursor:
        for statement in PLANNER_SETUP[connection.vendor]:
            cursor.execute(statement)
    plan = query.explain()
    assert "tagged_post_listing" in plan
    assert SORT_IN_PLAN[connection.vendor] not in plan


def test_a_tag_of_hidden_posts_only_is_not_in_use(posts, make_post):
    make_post(title="Draft", status=Post.Status.DRAFT, tags=["Secret"])
    make_post(title="Soon", published_at=timezone.now() + timedelta(days=1), tags=["Secret"])
    assert set(Tag.objects.in_use().values_list("slug", flat=True)) == {"python", "web"}
