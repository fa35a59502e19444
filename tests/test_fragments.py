"""Site-wide blocks are rendered once per content version, and any editorial change shows.

The navigation, the featured block, the archive months and the "More to read" footer are
cached fragments keyed on the content version, which every committed write bumps.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from blog import content_version, links
from blog.models import Category, Post
from tests.live_site import BROWSER

from .page import Page


def section(client, url, start, end):
    html = client.get(url).content.decode()
    return html.split(start, 1)[1].split(end, 1)[0] if start in html else ""


def nav_links(client, url="/"):
    return [text for _, text in Page(section(client, url, 'class="site-nav"', "</nav>")).links]


def featured_titles(client):
    block = section(client, "/", 'class="featured__list"', "</ul>")
    return [text for _, text in Page(block).links]


def months(client):
    return [text for _, text in Page(section(client, "/archive/", "archive-list", "</ul>")).links]


@pytest.fixture
def news_post(make_post, category, commit):
    return commit(make_post, title="Harbour opens", category=category)


def test_navigation_is_served_from_the_fragment_cache(client, news_post, make_post):
    nav_links(client)
    # Not committed, so the content version stays: the cached navigation is served as it was.
    make_post(title="Sports", category=Category.objects.create(name="Sports", slug="sports"))
    assert "Sports" not in nav_links(client)


def test_navigation_shows_a_category_once_its_first_post_is_published(
    client, news_post, make_post, commit
):
    nav_links(client)
    sports = commit(Category.objects.create, name="Sports", slug="sports")
    commit(make_post, title="Final whistle", category=sports)
    assert "Sports" in nav_links(client)


def test_navigation_shows_a_renamed_category(client, news_post, commit):
    nav_links(client)
    commit(Category.objects.filter(pk=news_post.category_id).update, name="Harbour news")
    assert "Harbour news" in nav_links(client)


def test_navigation_drops_a_category_whose_posts_are_unpublished(client, news_post, commit):
    nav_links(client)
    commit(Post.objects.filter(pk=news_post.pk).update, status=Post.Status.DRAFT)
    assert "News" not in nav_links(client)


def test_navigation_shows_a_new_static_page(client, news_post, commit, settings):
    nav_links(client)

    def add_page():
        page = FlatPage.objects.create(url="/about/", title="About us", content="Hello")
        page.sites.add(settings.SITE_ID)

    commit(add_page)
    assert "About us" in nav_links(client)


def test_navigation_shows_a_scheduled_category_when_its_post_comes_due(
    client, news_post, make_post, commit
):
    due = timezone.now() + datetime.timedelta(hours=1)
    sports = commit(Category.objects.create, name="Sports", slug="sports")
    commit(make_post, title="Kick-off", category=sports, published_at=due)
    nav_links(client)
    with mock.patch("django.utils.timezone.now", return_value=due + datetime.timedelta(1)):
        assert "Sports" in nav_links(client)


def test_featured_block_shows_a_newly_featured_post(client, news_post, commit):
    featured_titles(client)
    commit(Post.objects.filter(pk=news_post.pk).update, featured=True)
    assert "Harbour opens" in featured_titles(client)


def test_featured_block_is_only_on_the_first_page(client, make_post, commit):
    for n in range(11):
        commit(make_post, title=f"Story {n}", featured=True)
    client.get("/")
    assert 'class="featured"' not in client.get("/", {"page": 2}).content.decode()


def test_archive_months_show_a_new_month(client, news_post, make_post, commit):
    months(client)
    commit(
        make_post, title="Old news", published_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
    )
    assert "May 2020" in months(client)


def test_a_counted_read_keeps_the_content_version(client, news_post, commit):
    before = content_version.current()
    commit(client.get, news_post.get_absolute_url(), headers={"User-Agent": BROWSER})
    assert Post.objects.get(pk=news_post.pk).view_count == 1
    assert content_version.current() == before


@pytest.mark.parametrize(
    ("view_name", "slug"),
    [
        ("blog:post_detail", "harbour-opens"),
        ("blog:post_detail", "çà-et-là-日本"),
        ("blog:category_detail", "news"),
        ("blog:tag_detail", "c-plus-plus_1"),
        ("blog:author_detail", "ada.lovelace@example+1"),
        ("blog:author_detail", "a b%c?d#e"),
    ],
)
def test_addresses_are_those_reverse_gives(view_name, slug):
    assert links.address(view_name, slug) == reverse(view_name, args=[slug])


def test_addresses_follow_the_script_prefix(settings):
    settings.FORCE_SCRIPT_NAME = "/blog/"
    set_script_prefix("/blog/")
    try:
        assert links.address("blog:tag_detail", "rivers") == "/blog/tag/rivers/"
    finally:
        set_script_prefix("/")


def test_end_of_post_links_a_newer_post_once_it_is_published(client, news_post, make_post, commit):
    address = news_post.get_absolute_url()
    client.get(address)
    commit(make_post, title="Harbour closes", published_at=timezone.now())
    assert "Harbour closes" in section(client, address, 'class="post-nav"', "</nav>")


def test_post_cards_show_a_new_tag_on_every_list(client, news_post, commit):
    client.get("/")
    client.get(news_post.category.get_absolute_url())
    commit(news_post.tags.add, "Lighthouses")
    assert all(
        "Lighthouses" in section(client, url, 'class="post-card"', "</article>")
        for url in ["/", news_post.category.get_absolute_url()]
    )


def test_sitemap_lists_a_post_once_it_is_published(client, news_post, make_post, commit):
    client.get("/sitemap.xml")
    commit(make_post, title="Late edition", slug="late-edition")
    assert "/posts/late-edition/" in client.get("/sitemap.xml").content.decode()
