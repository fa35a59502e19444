"""List pages run the same number of SQL queries for one post as for a full page."""

import datetime

import pytest
from django.db import connection

MARCH_2024 = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)

# Queries every public page runs: the categories in the navigation, with published counts;
# the static pages in the navigation.
NAV = 2
# The "More to read" footer when its fragment is not cached (tests start with an empty cache):
# the content version's next scheduled post (its key), the popular posts, the tags with counts.
MORE_TO_READ = 3

# Each list page with the queries it is allowed, besides the navigation.
PAGES = {
    # count for the paginator, posts with category and author joined, tags of those posts,
    # the featured posts (first page only)
    "home": ("/", 4),
    # the category, "has it any published post?", count, posts, tags
    "category": ("/category/news/", 5),
    # the tag, "has it any published post?", count, posts, tags
    "tag": ("/tag/harbour/", 5),
    # the author, "has they any published post?", count, posts, tags
    "author": ("/author/ada/", 5),
    # "any post this month?", days with posts, next month, previous month, count, posts, tags
    "archive month": ("/archive/2024/3/", 7),
    # candidates of the four ranking tiers (title, tags and category, excerpt, body), the
    # published filter over them, the page's posts, their tags, their snippets; PostgreSQL
    # ranks the candidates in one more query (ts_rank), SQLite with bm25 in the first four
    "search": ("/search/?q=harbour", 9 if connection.vendor == "postgresql" else 8),
}


@pytest.fixture
def posts(make_post, category):
    """`posts(n)`: n published posts of March 2024, each with a category and three tags."""

    def make(n):
        return [
            make_post(
                title=f"Harbour report {i}",
                category=category,
                published_at=MARCH_2024 + datetime.timedelta(days=i),
                tags=["Harbour", f"Ship {i}", f"Crew {i}"],
            )
            for i in range(n)
        ]

    return make


@pytest.mark.parametrize("number_of_posts", [1, 12])
@pytest.mark.parametrize("name", PAGES)
def test_list_page_runs_constant_queries(
    client, posts, django_assert_num_queries, name, number_of_posts
):
    url, queries = PAGES[name]
    posts(number_of_posts)
    with django_assert_num_queries(NAV + MORE_TO_READ + queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("number_of_posts", [1, 12])
def test_archive_index_runs_constant_queries(
    client, posts, django_assert_num_queries, number_of_posts
):
    posts(number_of_posts)
    # months with their post counts
    with django_assert_num_queries(NAV + MORE_TO_READ + 1):
        client.get("/archive/")


@pytest.mark.parametrize("number_of_tags", [1, 12])
def test_post_page_runs_constant_queries(
    client, make_post, category, django_assert_num_queries, number_of_tags
):
    post = make_post(category=category, tags=[f"Tag {n}" for n in range(number_of_tags)])
    # the post with category and author joined and its neighbours as subqueries, its tags,
    # the related posts
    with django_assert_num_queries(NAV + MORE_TO_READ + 3):
        client.get(post.get_absolute_url())


@pytest.mark.parametrize("number_of_posts", [1, 12])
def test_post_page_with_a_warm_fragment_cache(
    client, posts, django_assert_num_queries, number_of_posts
):
    post = posts(number_of_posts)[0]
    client.get(post.get_absolute_url())
    # The footer comes from the cache: the navigation, the post, its tags, the related posts.
    with django_assert_num_queries(NAV + 3):
        client.get(post.get_absolute_url())
