"""Ways on for a reader: featured, related, previous/next and popular posts, topics, contents
lists, author bios and static pages. Nothing here ever shows a draft or a scheduled post."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse

from blog.models import AuthorProfile, Category, Post
from tests.page import Page, page

START = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)


def day(n):
    return START + datetime.timedelta(days=n)


def between(html, start_marker, end_marker):
    """The HTML after start_marker up to end_marker; empty when start_marker is not there."""
    if start_marker not in html:
        return ""
    return html.split(start_marker, 1)[1].split(end_marker, 1)[0]


def titles_in(html, start_marker, end_marker):
    """Link texts between two markers of the raw HTML."""
    return [text for _, text in Page(between(html, start_marker, end_marker)).links]


# Featured posts ----------------------------------------------------------------------------


FEATURED_TITLE = re.compile(r'class="featured__post-title"><a href="[^"]*">([^<]*)</a>')


def featured_titles(client, address="/"):
    html = client.get(address).content.decode()
    if 'id="featured-title"' not in html:
        return None
    return FEATURED_TITLE.findall(between(html, 'id="featured-title"', "</section>"))


def test_the_featured_block_shows_up_to_three_published_featured_posts_newest_first(
    client, make_post
):
    for n in range(4):
        make_post(title=f"Feature {n}", featured=True, published_at=day(n))
    make_post(title="Plain", published_at=day(9))
    make_post(title="Draft feature", featured=True, status=Post.Status.DRAFT)
    make_post(title="Future feature", featured=True, published_at=day(3650))
    assert featured_titles(client) == ["Feature 3", "Feature 2", "Feature 1"]


def test_the_list_below_stays_newest_first_and_complete(client, make_post):
    make_post(title="Old feature", featured=True, published_at=day(0))
    make_post(title="New plain", published_at=day(1))
    html = client.get("/").content.decode()
    listed = titles_in(html, 'class="page-title"', 'class="site-footer"')
    assert [t for t in listed if t in ("Old feature", "New plain")] == ["New plain", "Old feature"]


def test_the_featured_block_is_only_on_the_first_page(client, make_post, settings):
    for n in range(settings.POSTS_PER_PAGE + 1):
        make_post(title=f"Post {n}", featured=n == 0, published_at=day(n))
    assert featured_titles(client) == ["Post 0"]
    assert featured_titles(client, "/?page=2") is None


def test_no_featured_posts_no_block(client, make_post):
    make_post(title="Plain")
    assert featured_titles(client) is None


# Related posts -----------------------------------------------------------------------------


@pytest.fixture
def other_category(db):
    return Category.objects.create(name="Sport", slug="sport")


def test_related_posts_rank_shared_tags_then_category_then_date(
    make_post, category, other_category
):
    post = make_post(title="Subject", category=category, tags=["a", "b", "c"], published_at=day(5))
    make_post(title="One tag, same category", category=category, tags=["a"], published_at=day(1))
    make_post(title="Two tags", category=other_category, tags=["a", "b"], published_at=day(0))
    make_post(title="One tag, newer", category=other_category, tags=["c"], published_at=day(4))
    make_post(title="Category only", category=category, published_at=day(9))
    assert [p.title for p in Post.objects.related_to(post)] == [
        "Two tags",
        "One tag, same category",
        "One tag, newer",
    ]
    assert [p.title for p in Post.objects.related_to(post, limit=5)][3:] == ["Category only"]


def test_related_posts_leave_out_the_post_drafts_scheduled_and_unrelated_posts(
    make_post, category, other_category
):
    post = make_post(title="Subject", category=category, tags=["a"])
    make_post(title="Draft", category=category, tags=["a"], status=Post.Status.DRAFT)
    make_post(title="Scheduled", category=category, tags=["a"], published_at=day(3650))
    make_post(title="Unrelated", category=other_category, tags=["z"])
    make_post(title="Related", tags=["a"])
    assert [p.title for p in Post.objects.related_to(post)] == ["Related"]


def test_a_post_with_neither_tags_nor_category_has_no_related_posts(make_post):
    post = make_post(title="Alone")
    make_post(title="Other", tags=["a"])
    assert list(Post.objects.related_to(post)) == []


@pytest.mark.parametrize("candidates", [1, 10])
def test_related_posts_take_one_query_whatever_the_number_of_candidates(
    make_post, category, django_assert_num_queries, candidates
):
    post = make_post(title="Subject", category=category, tags=["a", "b"])
    for n in range(candidates):
        make_post(title=f"Candidate {n}", category=category, tags=["a", "b", f"t{n}"])
    related = Post.objects.related_to(post)
    with django_assert_num_queries(1):
        shown = [(p.title, p.get_absolute_url(), p.category.name) for p in related]
    assert len(shown) == min(candidates, 3)


def test_the_post_page_lists_its_related_posts(client, make_post, category):
    post = make_post(title="Subject", category=category, tags=["a"])
    make_post(title="Kin", slug="kin", tags=["a"])
    make_post(title="Stranger", tags=["z"])
    html = client.get(post.get_absolute_url()).content.decode()
    assert titles_in(html, 'id="related-title"', "</aside>") == ["Kin"]


# Previous and next -------------------------------------------------------------------------


def neighbours(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    if 'class="post-nav"' not in html:
        return None, None
    nav = html.split('class="post-nav"', 1)[1].split("</nav>", 1)[0]
    found = {"previous": None, "next": None}
    for href, text in Page("<nav " + nav).links:
        kind = "previous" if text.startswith("← Previous post") else "next"
        found[kind] = href
    return found["previous"], found["next"]


def test_previous_and_next_follow_publication_time_among_published_posts(client, make_post):
    first = make_post(title="First", slug="first", published_at=day(0))
    make_post(title="Draft between", status=Post.Status.DRAFT, published_at=day(1))
    middle = make_post(title="Middle", slug="middle", published_at=day(2))
    last = make_post(title="Last", slug="last", published_at=day(3))
    make_post(title="Scheduled", published_at=day(3650))
    assert neighbours(client, middle) == ("/posts/first/", "/posts/last/")
    assert neighbours(client, first) == (None, "/posts/middle/")
    assert neighbours(client, last) == ("/posts/middle/", None)


def test_posts_published_at_the_same_moment_still_chain(client, make_post):
    a = make_post(title="A", slug="a", published_at=day(0))
    b = make_post(title="B", slug="b", published_at=day(0))
    assert neighbours(client, a) == (None, "/posts/b/")
    assert neighbours(client, b) == ("/posts/a/", None)


def test_a_single_post_has_no_previous_or_next(client, make_post):
    assert neighbours(client, make_post(title="Only")) == (None, None)


# More to read: popular posts, topics, archive ----------------------------------------------


TOPIC = re.compile(r'rel="tag">([^<]*)</a> <span class="count">\((\d+)\)</span>')


def more_to_read(client, address="/"):
    """(popular post titles, "tag (count)" topics, every address linked) of the footer section."""
    html = client.get(address).content.decode()
    section = between(html, 'id="more-to-read-title"', '<div class="container">')
    popular = Page(between(section, 'id="popular-posts-title"', "</ol>")).links
    topics = TOPIC.findall(between(section, 'id="topics-title"', "</ul>"))
    return (
        [text for _, text in popular],
        [f"{name} ({count})" for name, count in topics],
        Page(section).hrefs(),
    )


def test_popular_posts_are_the_most_read_published_posts(client, make_post):
    for n, views in enumerate([5, 50, 0, 20, 10, 30]):
        post = make_post(title=f"Read {views}", published_at=day(n))
        Post.objects.filter(pk=post.pk).update(view_count=views)
    draft = make_post(title="Draft", status=Post.Status.DRAFT)
    Post.objects.filter(pk=draft.pk).update(view_count=1000)
    scheduled = make_post(title="Scheduled", published_at=day(3650))
    Post.objects.filter(pk=scheduled.pk).update(view_count=1000)
    popular, _, _ = more_to_read(client)
    assert popular == ["Read 50", "Read 30", "Read 20", "Read 10", "Read 5"]


def test_topics_count_only_published_posts(client, make_post):
    make_post(title="One", tags=["Harbour", "Ferries"])
    make_post(title="Two", tags=["Harbour"])
    make_post(title="Draft", tags=["Harbour", "Secret"], status=Post.Status.DRAFT)
    make_post(title="Future", tags=["Harbour", "Secret"], published_at=day(3650))
    _, topics, _ = more_to_read(client)
    assert topics == ["Harbour (2)", "Ferries (1)"]


def test_more_to_read_links_the_monthly_archive(client, make_post):
    make_post(tags=["Harbour"])
    _, _, hrefs = more_to_read(client)
    assert reverse("blog:archive") in hrefs


def test_more_to_read_is_cached_until_the_content_changes(
    client, make_post, commit, django_assert_num_queries
):
    post = make_post(title="Cached", tags=["Harbour"])
    client.get("/archive/")
    # Navigation, months and footer are all fragments now: the page runs no query at all.
    with django_assert_num_queries(0):
        client.get("/archive/")
    commit(lambda: Post.objects.filter(pk=post.pk).update(title="Renamed"))
    popular, _, _ = more_to_read(client, "/archive/")
    assert popular == ["Renamed"]


# Table of contents -------------------------------------------------------------------------

THREE_SECTIONS = (
    "Intro.\n\n## Why *now*\n\nText.\n\n## What & how\n\nText.\n\n### Detail\n\n## Next\n"
)


def contents(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    if 'aria-labelledby="toc-title"' not in html:
        return None
    return Page(html.split('aria-labelledby="toc-title"', 1)[1].split("</nav>", 1)[0]).links


def test_three_sections_get_a_table_of_contents_linking_to_their_headings(client, make_post):
    post = make_post(body=THREE_SECTIONS)
    toc = contents(client, post)
    assert toc == [("#why-now", "Why now"), ("#what--how", "What & how"), ("#next", "Next")]
    body_ids = page(client.get(post.get_absolute_url())).ids
    assert {href[1:] for href, _ in toc} <= body_ids


def test_two_sections_get_no_table_of_contents(client, make_post):
    post = make_post(body="## One\n\nText.\n\n## Two\n\nText.\n\n### Not counted\n")
    assert contents(client, post) is None


def test_the_contents_list_comes_before_the_body(client, make_post):
    html = client.get(make_post(body=THREE_SECTIONS).get_absolute_url()).content.decode()
    assert html.index('id="toc-title"') < html.index('class="post__body"')


# Author pages ------------------------------------------------------------------------------


def test_an_author_page_shows_the_full_name_and_bio(client, make_post, author):
    make_post()
    AuthorProfile.objects.create(user=author, bio="Writes about bridges.\n\nAnd <tunnels>.")
    html = client.get("/author/ada/").content.decode()
    assert "Ada Lovelace" in html
    assert "<p>Writes about bridges.</p>" in html and "And &lt;tunnels&gt;." in html


def test_an_author_without_a_profile_gets_a_page_without_bio(client, make_post):
    make_post()
    response = client.get("/author/ada/")
    assert response.status_code == 200 and 'class="author-bio"' not in response.content.decode()


def test_editors_write_bios_in_the_user_admin(client, editor, author):
    client.force_login(editor)
    url = reverse("admin:auth_user_change", args=[author.pk])
    html = client.get(url).content.decode()
    assert 'name="author_profile-0-bio"' in html
    form = {
        "username": author.username,
        "first_name": author.first_name,
        "last_name": author.last_name,
        "email": "",
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "author_profile-TOTAL_FORMS": "1",
        "author_profile-INITIAL_FORMS": "0",
        "author_profile-MIN_NUM_FORMS": "0",
        "author_profile-MAX_NUM_FORMS": "1",
        "author_profile-0-bio": "Mathematician.",
        "author_profile-0-user": str(author.pk),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert get_user_model().objects.get(pk=author.pk).author_profile.bio == "Mathematician."


# Static pages ------------------------------------------------------------------------------


@pytest.fixture
def pages(db):
    site = Site.objects.get_current()
    made = {}
    for url, title, private in [
        ("/about/", "About", False),
        ("/contact/", "Contact", False),
        ("/staff/", "Staff handbook", True),
    ]:
        made[url] = FlatPage.objects.create(
            url=url, title=title, content=f"<p>{title} text.</p>", registration_required=private
        )
        made[url].sites.add(site)
    return made


def test_a_static_page_is_served_in_the_site_layout(client, pages):
    response = client.get("/pages/about/")
    html = page(response)
    assert html.title == "About | The Django Dispatch"
    assert "<p>About text.</p>" in response.content.decode()


def test_static_pages_are_in_the_navigation_by_title(client, pages, make_post):
    make_post()
    html = client.get("/").content.decode()
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    links = Page(nav).links
    assert [link for link in links if link[0].startswith("/pages/")] == [
        ("/pages/about/", "About"),
        ("/pages/contact/", "Contact"),
    ]


def test_a_page_needing_a_login_is_not_listed_and_not_public(client, pages, make_post):
    make_post()
    assert "/pages/staff/" not in client.get("/").content.decode()
    assert client.get("/pages/staff/").status_code == 302
    root = ET.fromstring(client.get("/sitemap.xml").content)
    assert not any("/pages/staff/" in loc.text for loc in root.iter() if loc.text)


def test_static_pages_are_in_the_sitemap_on_site_url(client, pages, settings):
    settings.SITE_URL = "https://blog.example.com"
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall(".//sm:loc", ns)]
    assert "https://blog.example.com/pages/about/" in locs
    assert "https://blog.example.com/pages/contact/" in locs


def test_a_new_static_page_shows_at_once_on_cached_pages(client, make_post, commit, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_post()
    client.get("/")

    def add_page():
        FlatPage.objects.create(url="/about/", title="About", content="x").sites.add(
            Site.objects.get_current()
        )

    commit(add_page)
    assert "/pages/about/" in client.get("/").content.decode()


def test_the_site_follows_site_url_so_feeds_do_not_point_at_example_com(
    client, make_post, settings
):
    site = Site.objects.get_current()
    assert site.domain == settings.SITE_URL.split("://", 1)[1]
    assert site.name == settings.SITE_NAME
    make_post(title="Linked", slug="linked")
    feed = feedparser.parse(client.get(reverse("blog:feed_rss")).content)
    assert feed.entries[0].link.endswith(f"//{site.domain}/posts/linked/")


def test_a_static_page_is_sanitised_and_its_title_escaped(client, db):
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    page = FlatPage.objects.create(
        url="/about/", title="About <b>us</b>", content="<p>Hi</p><script>alert(1)</script>"
    )
    page.sites.add(Site.objects.get_current())
    html = client.get("/pages/about/").text
    assert "<script>alert(1)" not in html and "About &lt;b&gt;us&lt;/b&gt;" in html
