"""Anonymous pages come from the cache, and every editorial change shows on the next request."""

import gzip
from unittest import mock

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.live_site import BROWSER


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def post(make_post, category, commit):
    return commit(
        make_post, title="Cached story", slug="cached-story", category=category, tags=["Rivers"]
    )


def page(url):
    return Client(headers={"User-Agent": BROWSER}).get(url)


PUBLIC_PAGES = {
    "home": lambda post: reverse("blog:post_list"),
    "post": lambda post: post.get_absolute_url(),
    "category": lambda post: post.category.get_absolute_url(),
    "tag": lambda post: reverse("blog:tag_detail", args=["rivers"]),
    "author": lambda post: reverse("blog:author_detail", args=[post.author.username]),
    "month": lambda post: reverse(
        "blog:archive_month", args=[post.published_at.year, f"{post.published_at.month:02}"]
    ),
}


def test_a_second_anonymous_request_is_served_from_the_cache(post):
    page("/")
    assert page("/")["X-Page-Cache"] == "hit"


def test_logged_in_editors_are_never_served_a_cached_page(post, editor):
    client = Client()
    client.force_login(editor)
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_logged_in_editors_see_their_change_on_the_next_request(post, editor, commit):
    client = Client()
    client.force_login(editor)
    client.get("/")
    commit(Post.objects.filter(pk=post.pk).update, title="Just changed")
    assert "Just changed" in client.get("/").text


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_a_saved_title_shows_at_once_on_every_page(post, commit, name):
    url = PUBLIC_PAGES[name](post)
    page(url)
    post.title = "Renamed story"
    commit(post.save)
    assert "Renamed story" in page(url).text


def test_a_queryset_update_shows_at_once(post, commit):
    page("/")
    commit(Post.objects.filter(pk=post.pk).update, title="Updated in bulk")
    assert "Updated in bulk" in page("/").text


def test_unpublishing_removes_the_post_at_once(post, commit):
    page(post.get_absolute_url())
    commit(Post.objects.filter(pk=post.pk).update, status=Post.Status.DRAFT)
    assert page(post.get_absolute_url()).status_code == 404


def test_a_deleted_post_is_gone_at_once(post, commit):
    page("/")
    commit(post.delete)
    assert "Cached story" not in page("/").text


def test_a_new_tag_shows_at_once(post, commit):
    page(post.get_absolute_url())
    commit(post.tags.add, "Bridges")
    assert "Bridges" in page(post.get_absolute_url()).text


def test_a_renamed_category_shows_at_once(post, commit):
    page("/")
    post.category.name = "Local news"
    commit(post.category.save)
    assert "Local news" in page("/").text


def test_counting_a_view_keeps_the_cached_page(post):
    page(post.get_absolute_url())
    assert page(post.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_cache_hit_still_counts_the_view(post):
    page(post.get_absolute_url())
    page(post.get_absolute_url())
    post.refresh_from_db()
    assert post.view_count == 2


def test_a_scheduled_post_appears_at_its_time_on_cached_pages(make_post, post, commit):
    due = timezone.now() + timezone.timedelta(minutes=5)
    commit(make_post, title="Scheduled story", slug="scheduled-story", published_at=due)
    page("/")
    later = due + timezone.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Scheduled story" in page("/").text


def test_browsers_are_told_to_revalidate(post):
    assert "max-age=0" in page("/")["Cache-Control"]


def test_an_unchanged_page_answers_304(post):
    etag = page("/")["ETag"]
    client = Client(headers={"User-Agent": BROWSER, "If-None-Match": etag})
    assert client.get("/").status_code == 304


def test_an_unchanged_page_from_the_cache_answers_304(post):
    etag = page("/")["ETag"]
    client = Client(headers={"User-Agent": BROWSER, "If-None-Match": etag})
    response = client.get("/")
    assert (response.status_code, response["X-Page-Cache"]) == (304, "hit")


def test_a_revalidated_post_counts_as_a_read(post):
    etag = page(post.get_absolute_url())["ETag"]
    Client(headers={"User-Agent": BROWSER, "If-None-Match": etag}).get(post.get_absolute_url())
    post.refresh_from_db()
    assert post.view_count == 2


def test_a_revalidated_post_rendered_afresh_counts_as_a_read(post):
    # Fetched by a client that is not counted, so the count on the page stays the same.
    etag = Client().get(post.get_absolute_url())["ETag"]
    cache.clear()
    reader = Client(headers={"User-Agent": BROWSER, "If-None-Match": etag})
    response = reader.get(post.get_absolute_url())
    post.refresh_from_db()
    assert (response.status_code, response["X-Page-Cache"], post.view_count) == (304, "miss", 1)


SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"]


@pytest.mark.parametrize("header", SECURITY_HEADERS)
def test_a_cache_hit_carries_the_security_headers(post, header):
    page("/")
    assert page("/")[header]


@pytest.mark.parametrize("header", SECURITY_HEADERS)
def test_a_304_from_the_cache_carries_the_security_headers(post, header):
    etag = page("/")["ETag"]
    response = Client(headers={"User-Agent": BROWSER, "If-None-Match": etag}).get("/")
    assert (response.status_code, bool(response.get(header))) == (304, True)


def test_a_304_from_the_cache_carries_no_body_headers(post):
    etag = page("/")["ETag"]
    response = Client(headers={"User-Agent": BROWSER, "If-None-Match": etag}).get("/")
    assert "Content-Type" not in response


@pytest.mark.parametrize("header", SECURITY_HEADERS)
def test_a_refused_host_gets_a_400_with_the_security_headers(post, header):
    response = Client(headers={"User-Agent": BROWSER, "Host": "evil.example"}).get("/")
    assert (response.status_code, bool(response.get(header))) == (400, True)


def test_a_change_of_security_settings_is_not_answered_from_pages_cached_before(post, settings):
    page("/")
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    assert page("/")["X-Frame-Options"] == "SAMEORIGIN"


def test_tagging_in_bulk_shows_at_once(post, commit):
    from blog.models import Tag, TaggedPost

    page(post.get_absolute_url())
    tag = commit(Tag.objects.create, name="Lighthouses")
    commit(TaggedPost.objects.bulk_create, [TaggedPost(tag=tag, content_object=post)])
    assert "Lighthouses" in page(post.get_absolute_url()).text


def test_a_cached_404_turns_into_the_post_once_published(make_post, commit):
    page("/posts/coming-soon/")
    commit(make_post, title="Coming soon", slug="coming-soon")
    assert page("/posts/coming-soon/").status_code == 200


def test_a_response_that_sets_a_cookie_is_not_stored(post):
    first = page(reverse("admin:login"))  # sets the CSRF cookie; also outside the cache
    assert "X-Page-Cache" not in first


def gzip_reader():
    return Client(headers={"User-Agent": BROWSER, "Accept-Encoding": "gzip, deflate, br"})


def test_a_page_from_the_cache_is_compressed_for_clients_that_accept_gzip(post):
    plain = page("/").content
    response = gzip_reader().get("/")
    assert (response["Content-Encoding"], gzip.decompress(response.content)) == ("gzip", plain)


def test_a_page_stored_now_is_sent_compressed_too(post):
    response = gzip_reader().get("/")
    assert (response["X-Page-Cache"], response["Content-Encoding"]) == ("miss", "gzip")


def test_a_page_stored_by_a_gzip_client_keeps_its_plain_copy(post):
    compressed = gzip_reader().get("/")  # stores the page
    assert page("/").content == gzip.decompress(compressed.content)


def test_a_page_from_the_cache_is_plain_for_clients_without_gzip(post):
    page("/")
    hit = page("/")
    assert (hit["X-Page-Cache"], "Content-Encoding" in hit) == ("hit", False)


def test_a_compressed_page_has_its_own_length_and_a_weak_etag(post):
    plain = page("/")
    compressed = gzip_reader().get("/")
    assert (compressed["Content-Length"], compressed["ETag"]) == (
        str(len(compressed.content)),
        "W/" + plain["ETag"],
    )


def test_a_redirect_from_the_cache_answers_a_conditional_request(post):
    page("/archive")  # APPEND_SLASH: a 301, cached
    since = page("/archive")["Last-Modified"]
    response = Client(headers={"User-Agent": BROWSER, "If-Modified-Since": since}).get("/archive")
    assert response.status_code == 301


def test_pages_vary_on_the_encodings_a_client_accepts(post):
    assert "Accept-Encoding" in page("/")["Vary"]


def test_a_compressed_page_is_revalidated_by_its_etag(post):
    page("/")
    etag = gzip_reader().get("/")["ETag"]
    revalidated = Client(
        headers={"User-Agent": BROWSER, "Accept-Encoding": "gzip", "If-None-Match": etag}
    ).get("/")
    assert revalidated.status_code == 304


# One client is one worker: what it remembers of an address must not serve another's page.
OTHER_ADDRESSES = {
    "host": ({"HTTP_HOST": "a.example"}, {"HTTP_HOST": "b.example"}),
    "forwarded host": (
        {"HTTP_X_FORWARDED_HOST": "a.example"},
        {"HTTP_X_FORWARDED_HOST": "b.example"},
    ),
    "scheme": ({}, {"HTTP_X_FORWARDED_PROTO": "https"}),
    "query string": ({"QUERY_STRING": "page=1"}, {"QUERY_STRING": "page=2"}),
    "server port": ({"SERVER_PORT": "8001"}, {"SERVER_PORT": "8002"}),
    "forwarded port": ({"HTTP_X_FORWARDED_PORT": "8001"}, {"HTTP_X_FORWARDED_PORT": "8002"}),
}


@pytest.mark.parametrize("first, second", OTHER_ADDRESSES.values(), ids=OTHER_ADDRESSES)
def test_another_address_is_not_served_the_page_of_the_first(post, settings, first, second):
    settings.ALLOWED_HOSTS = ["testserver", "a.example", "b.example"]
    settings.USE_X_FORWARDED_HOST = True
    settings.USE_X_FORWARDED_PORT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    worker = Client(headers={"User-Agent": BROWSER})
    worker.get("/", **first)
    worker.get("/", **first)
    assert worker.get("/", **second)["X-Page-Cache"] == "miss"


def test_a_refused_host_is_refused_by_a_worker_that_served_an_allowed_one(post):
    worker = Client(headers={"User-Agent": BROWSER})
    worker.get("/")
    worker.get("/")
    assert worker.get("/", HTTP_HOST="evil.example").status_code == 400


def test_a_worker_works_out_the_key_of_an_address_once(post):
    worker = Client(headers={"User-Agent": BROWSER})
    worker.get("/")
    with mock.patch("django.http.HttpRequest.get_host", side_effect=AssertionError):
        assert worker.get("/")["X-Page-Cache"] == "hit"


def test_a_worker_does_not_remember_the_key_of_a_very_long_address(post):
    worker = Client(headers={"User-Agent": BROWSER})
    long_address = "/?utm_source=" + "x" * 2000
    worker.get(long_address)
    with mock.patch(
        "django.http.HttpRequest.get_host", autospec=True, side_effect=HttpRequest.get_host
    ) as get_host:
        worker.get(long_address)
    assert get_host.called
