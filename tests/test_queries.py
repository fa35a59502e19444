"""Every public page runs a fixed number of SQL queries, whatever the size of the archive.

Each page is asked for twice at two archive sizes (one post, and three pages of posts): the
first request fills the fragment caches (navigation, "More to read", featured posts, post cards,
archive months), the second is counted. The page cache is off in tests, so the view itself runs
every time.
Budgets: a post page at most 4 queries plus the view writes, a list page at most 5.
"""

import datetime

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import content_version
from blog.models import Post, PostQuerySet
from tests.live_site import BROWSER

MARCH_2024 = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)
# One post, and more than two full pages of them (ten a page).
SIZES = [1, 25]

# Each page with the queries it runs once the fragment caches are warm.
PAGES = {
    # nothing: the ids of the page's posts, their cards, the featured block and the count are
    # kept per content version
    "home": ("/", 0),
    # nothing: the category too is kept per content version
    "category": ("/category/news/", 0),
    "tag": ("/tag/harbour/", 0),
    "author": ("/author/ada/", 0),
    # nothing (an empty month is known by the kept count)
    "archive month": ("/archive/2024/3/", 0),
    # nothing: the list of months is a fragment
    "archive": ("/archive/", 0),
    # posts with category and author joined, their tags
    "rss": ("/feed/", 2),
    "atom": ("/feed/atom/", 2),
    # the category (or tag) if it has a published post, its posts, their tags
    "category feed": ("/category/news/feed/", 3),
    "tag feed": ("/tag/harbour/feed/", 3),
    # nothing: built once per content version (see SITEMAP)
    "sitemap": ("/sitemap.xml", 0),
    # nothing: a section too (the index points crawlers to them past 5,000 addresses)
    "sitemap section": ("/sitemap-posts.xml", 0),
}
# A list's later pages, at two sizes that both have one: their ids are kept per page too.
LATER_PAGES = ["/?page=2", "/category/news/?page=2", "/tag/harbour/?page=2", "/author/ada/?page=2"]
LATER_PAGE_SIZES = [12, 25]
# A static page: itself (the navigation around it is a fragment).
STATIC_PAGE = 1
# Building the sitemap: the sizes of the posts, categories, tags and static pages sections,
# to choose between one sitemap and an index; the same sizes again in Django's sitemap view;
# then the posts, categories and tags (no static page here, so none is read).
SITEMAP = 11
# The post page: its view count (the post, with category and author joined, is kept per
# content version; its tags, neighbours and related posts are read only for fragments). With
# Redis the count too is kept (tests/test_view_counts_redis.py).
POST_PAGE = 1
# The first request after a change also reads the post.
POST_READ = 1
# The list pages, rendered afresh after a change: the subject (category, tag or author; the
# home page reads its featured posts instead), the list's count, the ids of the page's posts,
# the cards' posts with category and author joined and their tags, and the site-wide
# fragments (the categories and static pages of the navigation, the popular posts and tags).
LISTS_AFRESH = {
    "home": 9,
    "category": 9,
    "tag": 9,
    "author": 9,
    "archive month": 8,
}
# A counted read adds the counter's UPDATE and the day's views upsert; on PostgreSQL first
# SET LOCAL synchronous_commit.
VIEW_WRITES = 3 if connection.vendor == "postgresql" else 2
# What the fragments of a post page cost when they are rendered (once per content version):
# the categories and static pages of the navigation, the popular posts and tags, the post's
# body (left out of the post kept per version), its tags, its previous and next posts (one
# query, four subqueries) and its related posts (its tags, the candidates sharing one, the
# newest of its category, then the ranking).
FRAGMENTS = 11


@pytest.fixture
def archive(make_post, category):
    """`archive(n)`: n published posts of March 2024, each with a category and three tags."""

    def make(n):
        return [
            make_post(
                title=f"Harbour report {i}",
                category=category,
                published_at=MARCH_2024 + datetime.timedelta(hours=i),
                tags=["Harbour", f"Ship {i}", f"Crew {i}"],
            )
            for i in range(n)
        ]

    return make


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_runs_the_same_queries_at_any_size(
    client, archive, django_assert_num_queries, name, size
):
    url, queries = PAGES[name]
    archive(size)
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", LATER_PAGE_SIZES)
@pytest.mark.parametrize("url", LATER_PAGES)
def test_a_later_page_of_a_list_runs_the_same_queries_at_any_size(
    client, archive, django_assert_num_queries, url, size
):
    archive(size)
    client.get(url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_a_static_page_runs_the_same_queries_at_any_size(
    client, archive, settings, django_assert_num_queries, size
):
    archive(size)
    page = FlatPage.objects.create(url="/about/", title="About us", content="Hello")
    page.sites.add(settings.SITE_ID)
    client.get("/pages/about/")
    with django_assert_num_queries(STATIC_PAGE):
        response = client.get("/pages/about/")
    assert response.status_code == 200


def test_search_runs_the_same_queries_at_any_size(client, archive):
    # Its budget belongs to the search engine (blog/search/): here, only that it stays flat.
    def queries():
        client.get("/search/?q=harbour")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/?q=harbour").status_code == 200
        return len(captured.captured_queries)

    archive(1)
    with_one_post = queries()
    archive(SIZES[-1])
    assert queries() == with_one_post


@pytest.mark.parametrize("size", SIZES)
def test_sitemap_is_built_with_the_same_queries_at_any_size(
    client, archive, django_assert_num_queries, size
):
    archive(size)
    # Neither is part of the sitemap: the next scheduled post (for the content version) and
    # the Site, which the sites framework keeps in memory after its first request.
    content_version.current()
    Site.objects.get_current()
    with django_assert_num_queries(SITEMAP):
        client.get("/sitemap.xml")


@pytest.mark.parametrize("name", ["home", "category", "tag", "author", "archive month"])
def test_list_page_with_its_ids_kept_builds_no_query_of_its_posts(
    client, archive, monkeypatch, name
):
    url = PAGES[name][0]
    archive(SIZES[-1])
    client.get(url)
    built = []
    published = PostQuerySet.published
    monkeypatch.setattr(
        PostQuerySet, "published", lambda posts, *args: built.append(1) or published(posts, *args)
    )
    client.get(url)
    assert not built


@pytest.mark.parametrize("name", LISTS_AFRESH)
def test_list_page_rendered_afresh_runs_the_same_queries_at_any_size(
    client, archive, django_assert_num_queries, name
):
    url = PAGES[name][0]
    for size in SIZES:
        archive(size)
        cache.clear()  # as a change does
        content_version.current()  # looks up the next scheduled post: not part of the page
        with django_assert_num_queries(LISTS_AFRESH[name]):
            client.get(url)


@pytest.mark.parametrize("size", SIZES)
def test_post_page_runs_the_same_queries_at_any_size(
    client, archive, django_assert_num_queries, size
):
    post = archive(size)[0]
    client.get(post.get_absolute_url())
    with django_assert_num_queries(POST_PAGE):
        client.get(post.get_absolute_url())


@pytest.mark.parametrize("size", SIZES)
def test_a_counted_read_adds_only_the_view_writes(client, archive, django_assert_num_queries, size):
    post = archive(size)[0]
    client.get(post.get_absolute_url())
    with django_assert_num_queries(POST_PAGE + VIEW_WRITES):
        client.get(post.get_absolute_url(), headers={"User-Agent": BROWSER})


@pytest.mark.parametrize("size", SIZES)
def test_site_wide_fragments_cost_the_same_at_any_size(
    client, archive, django_assert_num_queries, size
):
    post = archive(size)[0]
    content_version.current()  # looks up the next scheduled post: not part of any fragment
    with django_assert_num_queries(FRAGMENTS + POST_READ + POST_PAGE):
        client.get(post.get_absolute_url())


@pytest.mark.parametrize("tags", [1, 12])
def test_related_posts_cost_four_queries_however_many_tags(
    archive, django_assert_num_queries, tags
):
    post = archive(3)[0]
    post.tags.set([f"Topic {n}" for n in range(tags)])
    with django_assert_num_queries(4):
        list(Post.objects.related_to(post))
