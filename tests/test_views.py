"""The public site, page by page, as a reader's browser sees it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post

MARCH_2024 = datetime.datetime(2024, 3, 10, 12, 0, tzinfo=datetime.UTC)


def page(client, url, **params):
    """The HTML of `url`, asserting it answered 200."""
    response = client.get(url, params)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


@pytest.fixture
def published_post(make_post, category):
    return make_post(
        title="Harbour bridge reopens",
        published_at=MARCH_2024,
        category=category,
        tags=["Transport"],
    )


@pytest.fixture
def this_month():
    """The first instant of the current month and a future instant within it."""
    now = timezone.now()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, now + (next_month - now) / 2


# Every URL name answers -------------------------------------------------------------------------


@pytest.fixture
def public_urls(published_post):
    return {
        "blog:post_list": reverse("blog:post_list"),
        "blog:post_detail": published_post.get_absolute_url(),
        "blog:category_detail": published_post.category.get_absolute_url(),
        "blog:tag_detail": published_post.tags.get().get_absolute_url(),
        "blog:author_detail": reverse("blog:author_detail", args=["ada"]),
        "blog:archive": reverse("blog:archive"),
        "blog:archive_month": reverse("blog:archive_month", args=[2024, 3]),
        "blog:search": reverse("blog:search") + "?q=harbour",
        "health": reverse("health"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "blog:post_list",
        "blog:post_detail",
        "blog:category_detail",
        "blog:tag_detail",
        "blog:author_detail",
        "blog:archive",
        "blog:archive_month",
        "blog:search",
        "health",
    ],
)
def test_url_answers_200_for_public_content(client, public_urls, name):
    assert client.get(public_urls[name]).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/posts/no-such-post/", "/category/no-such-category/", "/tag/no-such-tag/", "/author/nobody/"],
)
def test_unknown_content_is_404(client, published_post, url):
    assert client.get(url).status_code == 404


def test_category_without_posts_is_not_found(client, category):
    assert client.get(category.get_absolute_url()).status_code == 404


def test_home_lists_newest_first(client, make_post):
    make_post(title="Older story", published_at=MARCH_2024)
    make_post(title="Newer story", published_at=MARCH_2024 + datetime.timedelta(days=1))
    html = page(client, "/")
    assert html.index("Newer story") < html.index("Older story")


def test_search_finds_a_post_by_tag(client, make_post):
    make_post(title="Harbour bridge reopens", tags=["Infrastructure"])
    assert "Harbour bridge reopens" in page(client, reverse("blog:search"), q="infrastructure")


def test_search_needs_every_word(client, make_post):
    make_post(title="Harbour bridge reopens")
    assert "No posts match" in page(client, reverse("blog:search"), q="harbour tunnel")


def test_archive_counts_posts_per_month(client, make_post):
    make_post(published_at=MARCH_2024)
    make_post(published_at=MARCH_2024 + datetime.timedelta(days=5))
    assert "2 posts" in page(client, reverse("blog:archive"))


def test_archive_links_each_month(client, published_post):
    assert 'href="/archive/2024/03/"' in page(client, reverse("blog:archive"))


def test_post_published_after_the_site_started_is_readable(client, make_post):
    client.get("/")  # the site is running: its URLs and views are loaded
    post = make_post(title="Breaking", published_at=timezone.now())
    assert client.get(post.get_absolute_url()).status_code == 200


# The post page ----------------------------------------------------------------------------------


@pytest.fixture
def full_post(make_post, cover_image):
    return make_post(
        title="Harbour bridge reopens",
        excerpt="Traffic flows again after two years of repairs.",
        body="Engineers replaced every cable of the span.",
        category=Category.objects.create(name="Transport", slug="transport"),
        tags=["Infrastructure"],
        cover_image=cover_image,
        cover_image_alt="The bridge at dusk",
    )


def test_post_page_shows_its_parts_in_reading_order(client, full_post):
    html = page(client, full_post.get_absolute_url())
    main = html.index("<main")
    parts = [
        "Back to Blog",
        ">Harbour bridge reopens</h1>",
        ">Traffic flows again after two years of repairs.<",
        'href="/category/transport/"',
        "1 min read",
        "0 views",
        'alt="The bridge at dusk"',
        "Engineers replaced every cable of the span.",
        'href="/tag/infrastructure/"',
    ]
    positions = [html.index("Skip to main content")] + [html.index(p, main) for p in parts]
    assert positions == sorted(positions)


def test_post_page_shows_the_cover_image_file(client, full_post):
    html = page(client, full_post.get_absolute_url())
    assert f'src="{full_post.cover_image.url}"' in html


def test_post_page_has_one_h1(client, full_post):
    assert page(client, full_post.get_absolute_url()).count("<h1") == 1


@pytest.mark.parametrize(
    ("views", "shown"),
    [(0, "0 views"), (1, "1 view<"), (2, "2 views"), (1234, "1,234 views")],
)
def test_view_count_is_pluralised(client, published_post, views, shown):
    Post.objects.filter(pk=published_post.pk).update(view_count=views)
    assert shown in page(client, published_post.get_absolute_url())


def test_body_heading_does_not_repeat_the_main_landmarks_id(client, make_post):
    # The skip link targets id="main"; a heading "Main" must not take that id too.
    post = make_post(body="## Main\n\nThe main points.")
    assert page(client, post.get_absolute_url()).count('id="main"') == 1


def test_reading_time_is_shown(client, make_post):
    post = make_post(body=" ".join(["word"] * 1000))
    assert "5 min read" in page(client, post.get_absolute_url())


def test_html_title_is_post_title_then_site_name(client, settings, published_post):
    settings.SITE_NAME = "The Harbour Gazette"
    html = page(client, published_post.get_absolute_url())
    assert "<title>Harbour bridge reopens | The Harbour Gazette</title>" in html


def test_long_html_title_is_shortened_on_a_word_boundary(client, settings, make_post):
    settings.SITE_NAME = "The Harbour Gazette"
    post = make_post(
        title="Council approves the new harbour budget after a long night of debate in the chamber"
    )
    html = page(client, post.get_absolute_url())
    assert (
        "<title>Council approves the new harbour budget after a long night… "
        "| The Harbour Gazette</title>"
    ) in html


# Addresses with unusual characters --------------------------------------------------------------


@pytest.mark.parametrize("title", ["Über café", "日本語のニュース", "Ça va ? Oui !"])
def test_post_with_non_ascii_slug_resolves(client, make_post, title):
    post = make_post(title=title)
    assert client.get(post.get_absolute_url()).status_code == 200


def test_category_with_non_ascii_slug_resolves(client, make_post):
    category = Category.objects.create(name="Économie", slug="économie")
    make_post(category=category)
    assert client.get(category.get_absolute_url()).status_code == 200


def test_tag_with_non_ascii_slug_resolves(client, make_post):
    post = make_post(tags=["Über"])
    assert client.get(post.tags.get().get_absolute_url()).status_code == 200


@pytest.mark.parametrize("username", ["jo.doe+blog@example", "jo_doe-2", "zoë"])
def test_author_with_unusual_username_resolves(client, make_post, username):
    make_post(author=get_user_model().objects.create_user(username=username))
    assert client.get(reverse("blog:author_detail", args=[username])).status_code == 200


def test_post_page_links_to_an_unusual_username(client, make_post):
    post = make_post(author=get_user_model().objects.create_user(username="jo.doe+blog@example"))
    assert 'href="/author/jo.doe+blog@example/"' in page(client, post.get_absolute_url())


def test_a_post_card_links_each_of_its_tags(client, make_post):
    post = make_post(tags=["Transport", "Harbour"])
    links = [f'href="{tag.get_absolute_url()}" rel="tag"' for tag in post.tags.all()]
    # The card alone: the sidebar's popular topics link tags too.
    card = page(client, "/").split('<article class="post-card">')[1].split("</article>")[0]
    assert all(link in card for link in links)


@pytest.mark.parametrize("name", ["🎉", "!!!"], ids=["emoji", "punctuation"])
def test_post_tagged_with_symbols_still_shows(client, make_post, name):
    make_post(tags=[name])
    assert client.get("/").status_code == 200


# Drafts and scheduled posts are invisible -------------------------------------------------------


@pytest.fixture
def visible_post(make_post, this_month):
    start, _ = this_month
    return make_post(title="Visible story", published_at=start)


@pytest.fixture(params=["draft", "scheduled"])
def hidden_post(request, make_post, this_month):
    """A draft or a scheduled post, dated this month, alone in its category and tag."""
    _, later_this_month = this_month
    status = {"draft": Post.Status.DRAFT, "scheduled": Post.Status.PUBLISHED}[request.param]
    return make_post(
        title="Embargoed zeppelin story",
        status=status,
        published_at=later_this_month,
        category=Category.objects.create(name="Embargo desk", slug="embargo-desk"),
        tags=["Embargoed"],
    )


def test_hidden_post_is_not_on_the_home_page(client, visible_post, hidden_post):
    assert "Embargoed zeppelin story" not in page(client, "/")


def test_hidden_post_page_is_404(client, hidden_post):
    assert client.get(hidden_post.get_absolute_url()).status_code == 404


def test_hidden_post_is_not_on_its_category_page(client, hidden_post):
    response = client.get(hidden_post.category.get_absolute_url())
    assert "Embargoed zeppelin story" not in response.text


def test_category_of_hidden_posts_only_is_not_in_the_navigation(client, visible_post, hidden_post):
    assert "Embargo desk" not in page(client, "/")


def test_tag_of_hidden_posts_only_is_404(client, hidden_post):
    assert client.get(hidden_post.tags.get().get_absolute_url()).status_code == 404


def test_hidden_post_is_not_on_a_shared_tag_page(client, visible_post, hidden_post):
    visible_post.tags.add("Embargoed")
    assert "Embargoed zeppelin story" not in page(
        client, visible_post.tags.get().get_absolute_url()
    )


def test_hidden_post_is_not_on_its_authors_page(client, visible_post, hidden_post):
    assert "Embargoed zeppelin story" not in page(client, "/author/ada/")


def test_author_of_hidden_posts_only_is_404(client, make_post):
    make_post(author=get_user_model().objects.create_user(username="ghost"), status="draft")
    assert client.get("/author/ghost/").status_code == 404


def test_hidden_post_is_not_counted_in_the_archive(client, visible_post, hidden_post):
    assert "1 post<" in page(client, reverse("blog:archive"))


def test_hidden_post_is_not_in_its_archive_month(client, visible_post, hidden_post):
    month = visible_post.published_at
    url = reverse("blog:archive_month", args=[month.year, month.month])
    assert "Embargoed zeppelin story" not in page(client, url)


def test_month_of_a_scheduled_post_only_is_404(client, make_post):
    due = timezone.now() + datetime.timedelta(days=62)
    make_post(published_at=due)
    url = reverse("blog:archive_month", args=[due.year, due.month])
    assert client.get(url).status_code == 404


def test_hidden_post_is_not_found_by_search(client, visible_post, hidden_post):
    assert "No posts match" in page(client, reverse("blog:search"), q="zeppelin")


# Hostile names are escaped ----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile_post(make_post):
    return make_post(
        title=f"Alert {SCRIPT}",
        published_at=MARCH_2024,
        category=Category.objects.create(name=f"Desk {SCRIPT}", slug="desk"),
        tags=[f"Tag {SCRIPT}"],
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/posts/alert-scriptalert1script/",
        "/category/desk/",
        "/tag/tag-scriptalert1script/",
        "/author/ada/",
        "/search/?q=alert",
        "/archive/2024/3/",
    ],
)
def test_hostile_names_are_escaped(client, hostile_post, url):
    html = page(client, url)
    assert ESCAPED_SCRIPT in html and SCRIPT not in html


def test_hostile_search_query_is_escaped(client, published_post):
    html = page(client, reverse("blog:search"), q=SCRIPT)
    assert ESCAPED_SCRIPT in html and SCRIPT not in html


# Pagination -------------------------------------------------------------------------------------


@pytest.fixture
def eleven_posts(make_post):
    return [
        make_post(title=f"Story number {n:02d}", published_at=MARCH_2024 + datetime.timedelta(n))
        for n in range(1, 12)
    ]


@pytest.mark.parametrize("number", ["0", "-1", "abc", "999", "3"])
def test_page_out_of_range_is_404(client, eleven_posts, number):
    assert client.get("/", {"page": number}).status_code == 404


def test_last_page_by_name(client, eleven_posts):
    assert "Story number 01" in page(client, "/", page="last")


def test_second_page_holds_the_oldest_post(client, eleven_posts):
    assert "Story number 01" in page(client, "/", page="2")


def test_first_page_holds_ten_posts(client, eleven_posts):
    assert page(client, "/").count('class="post-card"') == 10


def test_second_page_links_back_to_the_first(client, eleven_posts):
    assert 'href="?page=1" rel="prev"' in page(client, "/", page="2")


def test_search_pagination_keeps_the_query(client, make_post):
    for n in range(11):
        make_post(title=f"Harbour note {n}")
    assert 'href="?q=harbour&amp;page=2"' in page(client, reverse("blog:search"), q="harbour")


@pytest.mark.parametrize("number", ["0", "abc", "999"])
def test_search_page_out_of_range_is_404(client, eleven_posts, number):
    assert client.get(reverse("blog:search"), {"q": "story", "page": number}).status_code == 404


@pytest.mark.parametrize(("year", "month"), [(2024, 13), (2024, 0), (0, 3)])
def test_archive_month_that_does_not_exist_is_404(client, published_post, year, month):
    assert client.get(f"/archive/{year}/{month}/").status_code == 404


def test_archive_month_without_posts_is_404(client, published_post):
    assert client.get("/archive/2023/3/").status_code == 404


# Health and errors ------------------------------------------------------------------------------


def test_health_reports_ok(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_missing_page_is_404(client, db):
    assert client.get("/no/such/page/").status_code == 404


def test_missing_page_uses_the_friendly_template(client, db):
    response = client.get("/no/such/page/")
    assert "404.html" in [template.name for template in response.templates]


def test_missing_page_offers_a_way_back(client, db):
    html = client.get("/no/such/page/").content.decode()
    assert 'href="/"' in html and 'action="/search/"' in html


# Staff preview ----------------------------------------------------------------------------------


def staff_user(username, *, can_change):
    """An editor, who may change and publish every post; or staff who may not change posts."""
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    if can_change:
        editing = Permission.objects.filter(codename__in=["change_post", "publish_post"])
        user.user_permissions.add(*editing)
    return user


def test_preview_sends_anonymous_visitors_to_log_in(client, draft):
    response = client.get(reverse("blog:post_preview", args=[draft.pk]))
    assert response.url == f"{reverse('admin:login')}?next=/preview/{draft.pk}/"


def test_editor_previews_a_draft(client, draft):
    client.force_login(staff_user("desk", can_change=True))
    assert "Secret draft" in page(client, reverse("blog:post_preview", args=[draft.pk]))


def test_preview_asks_search_engines_not_to_index(client, draft):
    client.force_login(staff_user("desk", can_change=True))
    html = page(client, reverse("blog:post_preview", args=[draft.pk]))
    assert '<meta name="robots" content="noindex">' in html


def test_preview_sends_a_noindex_header(client, draft):
    client.force_login(staff_user("desk", can_change=True))
    response = client.get(reverse("blog:post_preview", args=[draft.pk]))
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_preview_of_a_scheduled_post_says_when(client, scheduled):
    client.force_login(staff_user("desk", can_change=True))
    assert "scheduled for" in page(client, reverse("blog:post_preview", args=[scheduled.pk]))


def test_reader_account_cannot_preview(client, draft):
    client.force_login(get_user_model().objects.create_user(username="reader"))
    assert client.get(reverse("blog:post_preview", args=[draft.pk])).status_code == 404


def test_staff_without_change_permission_cannot_preview(client, draft):
    client.force_login(staff_user("intern", can_change=False))
    assert client.get(reverse("blog:post_preview", args=[draft.pk])).status_code == 404


def test_a_category_with_only_hidden_posts_is_not_found(client, category, draft, scheduled):
    for post in (draft, scheduled):
        post.category = category
        post.save()
    assert client.get(category.get_absolute_url()).status_code == 404


def test_pages_name_their_canonical_address_on_the_site_url(client, settings, make_post):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(title="Canonical", slug="canonical")
    html = client.get(post.get_absolute_url()).text
    assert '<link rel="canonical" href="https://blog.example.com/posts/canonical/">' in html


def test_a_page_of_a_list_is_canonical_to_itself(client, settings, make_post):
    settings.SITE_URL = "https://blog.example.com"
    for i in range(11):
        make_post(title=f"Post {i}")
    html = client.get("/?page=2&utm_source=x").text
    assert '<link rel="canonical" href="https://blog.example.com/?page=2">' in html
