"""Feeds: RSS and Atom for the site, RSS per category and tag, parsed as a feed reader would."""

import feedparser
import pytest
from django.urls import reverse

FEEDS = {
    "rss": lambda post: reverse("blog:feed_rss"),
    "atom": lambda post: reverse("blog:feed_atom"),
    "category": lambda post: reverse("blog:category_feed", args=[post.category.slug]),
    "tag": lambda post: reverse("blog:tag_feed", args=["harbour"]),
}


@pytest.fixture
def post(make_post, category):
    return make_post(
        title="Harbour reopens",
        slug="harbour-reopens",
        category=category,
        tags=["Harbour", "Local Government"],
        body="The [minutes](/media/minutes.pdf) are out.\n\n![Quay](/media/quay.png)\n\nNote.[^1]"
        "\n\n[^1]: A footnote.",
    )


def parsed(client, url):
    return feedparser.parse(client.get(url).content)


@pytest.mark.parametrize("name", FEEDS)
def test_feed_parses_cleanly_with_the_post(client, post, name):
    feed = parsed(client, FEEDS[name](post))
    assert (feed.bozo, [entry.title for entry in feed.entries]) == (False, ["Harbour reopens"])


@pytest.mark.parametrize("name", FEEDS)
def test_feed_leaves_out_drafts_and_scheduled_posts(client, post, draft, scheduled, name):
    for hidden in (draft, scheduled):
        hidden.category = post.category
        hidden.save()
        hidden.tags.add("Harbour")
    titles = [entry.title for entry in parsed(client, FEEDS[name](post)).entries]
    assert titles == ["Harbour reopens"]


def test_feed_carries_full_html_with_absolute_links_and_images(client, post, settings):
    settings.SITE_URL = "https://blog.example.com"
    content = parsed(client, reverse("blog:feed_atom")).entries[0].summary
    expected = [
        'href="https://blog.example.com/media/minutes.pdf"',
        'src="https://blog.example.com/media/quay.png"',
        'href="https://blog.example.com/posts/harbour-reopens/#fn1"',
    ]
    assert all(part in content for part in expected)


def test_feed_names_author_categories_and_dates(client, post):
    entry = parsed(client, reverse("blog:feed_atom")).entries[0]
    found = (entry.author, sorted(tag.term for tag in entry.tags), bool(entry.published_parsed))
    assert found == ("Ada Lovelace", ["Harbour", "Local Government", "News"], True)


def test_feed_guid_survives_a_title_and_slug_change(client, post):
    before = parsed(client, reverse("blog:feed_rss")).entries[0].id
    post.title, post.slug = "Harbour reopens at last", "harbour-reopens-at-last"
    post.save()
    assert parsed(client, reverse("blog:feed_rss")).entries[0].id == before


def test_every_page_advertises_the_feeds(client, post):
    html = client.get("/").text
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html


def test_a_category_page_advertises_its_own_feed(client, post):
    html = client.get(post.category.get_absolute_url()).text
    assert reverse("blog:category_feed", args=[post.category.slug]) in html


def test_an_unknown_category_feed_is_not_found(client, db):
    assert client.get(reverse("blog:category_feed", args=["nope"])).status_code == 404


@pytest.mark.parametrize("kind", ["category", "tag"])
def test_a_feed_of_hidden_posts_only_is_not_found(client, draft, scheduled, category, kind):
    for hidden in (draft, scheduled):
        hidden.category = category
        hidden.save()
        hidden.tags.add("Embargo")
    url = reverse(f"blog:{kind}_feed", args=["news" if kind == "category" else "embargo"])
    assert client.get(url).status_code == 404
