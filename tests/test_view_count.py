from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.middleware import VIEWED_COOKIE
from blog.models import Post

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/130.0"


@pytest.fixture
def reader():
    return Client(headers={"User-Agent": BROWSER})


@pytest.fixture
def post(make_post):
    return make_post(title="Counted", slug="counted")


def views_of(post):
    post.refresh_from_db()
    return post.view_count


def test_a_read_counts_one_view(reader, post):
    reader.get(post.get_absolute_url())
    assert views_of(post) == 1


def test_the_page_shows_the_count_before_this_read(reader, post):
    response = reader.get(post.get_absolute_url())
    assert "0 views" in response.text


def test_without_redis_the_page_shows_the_database_count_at_once(reader, post):
    reader.get(post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(view_count=41)
    assert "41 views" in Client().get(post.get_absolute_url()).text


def test_a_reload_within_half_an_hour_counts_once(reader, post):
    reader.get(post.get_absolute_url())
    reader.get(post.get_absolute_url())
    assert views_of(post) == 1


def test_a_request_without_the_cookie_always_counts(post):
    for _ in range(3):
        Client(headers={"User-Agent": BROWSER}).get(post.get_absolute_url())
    assert views_of(post) == 3


def test_a_forged_cookie_does_not_stop_counting(reader, post):
    reader.cookies[VIEWED_COOKIE] = "1"
    reader.get(post.get_absolute_url())
    assert views_of(post) == 1


def test_the_cookie_is_scoped_to_the_post_and_lasts_half_an_hour(reader, post):
    cookie = reader.get(post.get_absolute_url()).cookies[VIEWED_COOKIE]
    assert (cookie["path"], cookie["max-age"], cookie["httponly"]) == (
        post.get_absolute_url(),
        1800,
        True,
    )


def test_reading_one_post_does_not_stop_counting_another(reader, post, make_post):
    other = make_post(title="Other", slug="other")
    reader.get(post.get_absolute_url())
    reader.get(other.get_absolute_url())
    assert views_of(other) == 1


def test_counting_does_not_make_the_page_vary_on_cookies(reader, post):
    response = reader.get(post.get_absolute_url())
    assert "Cookie" not in response.get("Vary", "")


def test_head_requests_are_not_counted(reader, post):
    reader.head(post.get_absolute_url())
    assert views_of(post) == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Slackbot-LinkExpanding 1.0",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; SemrushCrawler)",
        "Baiduspider",
        "curl/8.5.0",
        "python-requests/2.32",
        "WhatsApp link preview",
    ],
)
def test_requests_that_are_not_readers_are_not_counted(post, user_agent):
    Client(headers={"User-Agent": user_agent}).get(post.get_absolute_url())
    assert views_of(post) == 0


@pytest.mark.parametrize(
    "header",
    [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"X-Moz": "prefetch"}],
)
def test_prefetches_are_not_counted(post, header):
    Client(headers={"User-Agent": BROWSER, **header}).get(post.get_absolute_url())
    assert views_of(post) == 0


def test_drafts_are_not_counted(reader, draft):
    reader.get(reverse("blog:post_detail", args=[draft.slug]))
    assert views_of(draft) == 0


def test_scheduled_posts_are_not_counted(reader, scheduled):
    reader.get(reverse("blog:post_detail", args=[scheduled.slug]))
    assert views_of(scheduled) == 0


def test_a_scheduled_post_is_counted_once_its_time_has_come(post, scheduled, monkeypatch):
    # The counter's statements are compiled once: the first read must not fix the clock.
    Post.objects.add_view(post.slug)
    monkeypatch.setattr(timezone, "now", lambda: scheduled.published_at + timedelta(minutes=1))
    Post.objects.add_view(scheduled.slug)
    assert views_of(scheduled) == 1


def test_previews_are_not_counted(reader, post, editor):
    reader.force_login(editor)
    reader.get(reverse("blog:post_preview", args=[post.pk]))
    assert views_of(post) == 0


def test_counting_is_one_atomic_update_in_the_database(reader, post):
    with CaptureQueriesContext(connection) as captured:
        reader.get(post.get_absolute_url())
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and '"view_count" = ("blog_post"."view_count" + 1)' in updates[0]


def test_a_post_with_a_non_ascii_slug_is_counted(reader, make_post):
    post = make_post(title="Über café", slug="über-café")
    reader.get(post.get_absolute_url())
    assert views_of(post) == 1


def test_a_reload_does_not_extend_the_half_hour(reader, post):
    reader.get(post.get_absolute_url())
    assert VIEWED_COOKIE not in reader.get(post.get_absolute_url()).cookies


def test_a_cookie_changed_by_one_reader_leaves_the_next_readers_alone(reader, post):
    given = reader.get(post.get_absolute_url()).cookies[VIEWED_COOKIE].value
    reader.cookies[VIEWED_COOKIE] = "changed by this reader"
    another = Client(headers={"User-Agent": BROWSER})
    assert another.get(post.get_absolute_url()).cookies[VIEWED_COOKIE].value == given


def test_the_cookie_of_a_non_ascii_address_is_sent_percent_encoded(reader, make_post):
    post = make_post(title="Über café", slug="über-café")
    cookie = reader.get(post.get_absolute_url()).cookies[VIEWED_COOKIE]
    assert cookie["path"] == "/posts/%C3%BCber-caf%C3%A9/"


def test_the_cookie_is_sent_over_https_only_when_the_site_says_so(reader, post, settings):
    Client(headers={"User-Agent": BROWSER}).get(post.get_absolute_url())
    settings.SESSION_COOKIE_SECURE = True
    assert reader.get(post.get_absolute_url()).cookies[VIEWED_COOKIE]["secure"] is True
