"""What search engines and social networks read: titles, descriptions, Open Graph, JSON-LD."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import AuthorProfile
from tests.page import page

SITE = "https://blog.example.com"
PUBLISHED = datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "The Harbour Gazette"


@pytest.fixture
def post(make_post, category):
    return make_post(
        title="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        category=category,
        tags=["Harbour", "Local Government"],
        excerpt="The bridge is open again after two years of works.",
        published_at=PUBLISHED,
    )


def read(client, post):
    return page(client.get(post.get_absolute_url()))


# Title and description ---------------------------------------------------------------------


def test_the_seo_title_replaces_the_title_in_the_title_element(client, post):
    post.seo_title = "Bridge reopens: what changes for drivers"
    post.save()
    assert (
        read(client, post).title == "Bridge reopens: what changes for drivers | The Harbour Gazette"
    )


def test_without_an_seo_title_the_post_title_is_used(client, post):
    assert read(client, post).title == "Harbour bridge reopens | The Harbour Gazette"


def test_the_meta_description_falls_back_to_the_excerpt(client, post, commit):
    assert read(client, post).one("description") == post.excerpt
    post.meta_description = "Open to cars, bikes and pedestrians from Monday."
    # Committed: the meta tags are a fragment kept until the content version moves.
    commit(post.save)
    html = read(client, post)
    assert html.one("description") == "Open to cars, bikes and pedestrians from Monday."
    assert html.one("og:description") == html.one("twitter:description") == html.one("description")


def test_a_long_excerpt_is_cut_at_a_word_within_160_characters_to_describe(client, post, commit):
    post.excerpt = "The harbour bridge reopens to traffic on Monday morning. " * 5
    commit(post.save)
    assert read(client, post).one("description") == (
        "The harbour bridge reopens to traffic on Monday morning. " * 2
        + "The harbour bridge reopens to traffic on…"
    )


# Open Graph and Twitter cards --------------------------------------------------------------


def test_open_graph_describes_the_post_as_an_article(client, post):
    post.seo_title = "Bridge reopens"
    post.save()
    html = read(client, post)
    assert html.one("og:type") == "article"
    assert html.one("og:title") == html.one("twitter:title") == "Bridge reopens"
    assert html.one("og:url") == f"{SITE}/posts/harbour-bridge-reopens/"
    assert html.one("og:site_name") == "The Harbour Gazette"
    assert html.one("article:published_time") == "2024-03-05T09:30:00+00:00"
    modified = datetime.datetime.fromisoformat(html.one("article:modified_time"))
    assert abs(modified - post.updated_at) < datetime.timedelta(seconds=1)
    assert html.one("article:section") == "News"
    assert html.meta["article:tag"] == ["Harbour", "Local Government"]


def test_a_post_without_a_cover_gets_a_small_card_and_no_image(client, post):
    html = read(client, post)
    assert html.one("twitter:card") == "summary"
    assert html.one("og:image") is None and "image" not in html.ld("BlogPosting")


def test_a_cover_gives_an_absolute_image_with_its_size_and_a_large_card(client, post, cover_image):
    post.cover_image, post.cover_image_alt = cover_image, "The bridge at dawn"
    post.save()
    post.refresh_from_db()
    html = read(client, post)
    image = html.one("og:image")
    assert image == f"{SITE}{post.cover_image.url}" and image.startswith(f"{SITE}/media/covers/")
    width, height = post.cover_image_width, post.cover_image_height
    assert (width, height) == (4, 3)
    assert (html.one("og:image:width"), html.one("og:image:height")) == (str(width), str(height))
    assert html.one("og:image:alt") == "The bridge at dawn"
    assert html.one("twitter:card") == "summary_large_image"
    assert html.one("twitter:image") == image
    assert html.ld("BlogPosting")["image"] == {
        "@type": "ImageObject",
        "url": image,
        "width": width,
        "height": height,
    }


# JSON-LD -----------------------------------------------------------------------------------


def test_json_ld_blog_posting_has_every_field(client, post):
    post.meta_description = "Open to cars, bikes and pedestrians from Monday."
    post.save()
    data = read(client, post).ld("BlogPosting")
    url = f"{SITE}/posts/harbour-bridge-reopens/"
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Harbour bridge reopens"
    assert data["description"] == "Open to cars, bikes and pedestrians from Monday."
    assert data["datePublished"] == "2024-03-05T09:30:00+00:00"
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= post.published_at
    assert data["author"] == {
        "@type": "Person",
        "name": "Ada Lovelace",
        "url": f"{SITE}/author/ada/",
    }
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Harbour Gazette",
        "url": f"{SITE}/",
    }
    assert data["keywords"] == ["Harbour", "Local Government"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["articleSection"] == "News"


def test_json_ld_breadcrumb_runs_home_category_post(client, post):
    items = read(client, post).ld("BreadcrumbList")["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in items] == [
        (1, "Home", f"{SITE}/"),
        (2, "News", f"{SITE}/category/news/"),
        (3, "Harbour bridge reopens", f"{SITE}/posts/harbour-bridge-reopens/"),
    ]


def test_a_post_without_category_has_a_two_step_breadcrumb(client, make_post):
    post = make_post(title="Loose note", slug="loose-note")
    items = read(client, post).ld("BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in items] == ["Home", "Loose note"]
    assert "articleSection" not in read(client, post).ld("BlogPosting")


def test_a_hostile_title_stays_inside_the_json_ld(client, make_post):
    hostile = '</script><script>alert(1)</script><!-- & "quotes"'
    post = make_post(title=hostile, slug="hostile", excerpt=hostile, tags=["</script>"])
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    parsed = page(response)
    # Both blocks still parse as JSON and carry the title as it was typed.
    assert parsed.ld("BlogPosting")["headline"] == hostile
    assert parsed.ld("BlogPosting")["description"] == hostile
    assert parsed.ld("BlogPosting")["keywords"] == ["</script>"]
    assert parsed.ld("BreadcrumbList")["itemListElement"][-1]["name"] == hostile
    assert parsed.one("og:title") == hostile
    assert "\\u003c/script\\u003e" in html


def test_a_preview_carries_metadata_and_stays_out_of_the_index(client, make_post, editor):
    draft = make_post(title="Secret draft", status="draft", published_at=None)
    client.force_login(editor)
    html = page(client.get(reverse("blog:post_preview", args=[draft.pk])))
    assert html.one("robots") == "noindex"
    assert html.ld("BlogPosting")["headline"] == "Secret draft"
    # No publication date yet: left out rather than written as null.
    assert "datePublished" not in html.ld("BlogPosting")
    assert html.one("article:published_time") is None


# List pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "title", "description"),
    [
        ("/", "The Harbour Gazette", None),
        ("/category/news/", "News", "Local news."),
        (
            "/tag/harbour/",
            "Posts tagged “Harbour”",
            "Posts tagged “Harbour” on The Harbour Gazette.",
        ),
        ("/author/ada/", "Ada Lovelace", "Posts by Ada Lovelace on The Harbour Gazette."),
    ],
)
def test_list_pages_describe_themselves_as_a_website(
    client, post, settings, address, title, description
):
    post.category.description = "Local news."
    post.category.save()
    html = page(client.get(address))
    assert html.one("og:type") == "website"
    assert html.one("og:title") == html.one("twitter:title") == title
    assert html.one("og:url") == f"{SITE}{address}"
    assert html.one("og:site_name") == "The Harbour Gazette"
    assert html.one("og:description") == html.one("description")
    assert html.one("description") == (description or settings.SITE_DESCRIPTION)
    assert html.json_ld == []


def test_an_author_page_is_described_by_the_bio(client, post, author):
    AuthorProfile.objects.create(user=author, bio="Writes about bridges & tunnels.")
    html = page(client.get("/author/ada/"))
    assert (
        html.one("description") == html.one("og:description") == "Writes about bridges & tunnels."
    )


def test_a_second_list_page_is_its_own_og_url(client, make_post, settings):
    for day in range(settings.POSTS_PER_PAGE + 1):
        make_post(
            title=f"Day {day}", published_at=timezone.now() - datetime.timedelta(days=day + 1)
        )
    html = page(client.get("/?page=2"))
    assert html.one("og:url") == f"{SITE}/?page=2"
