"""With Redis, reads are counted there and added to the database in batches (blog.view_counts)."""

import datetime
import io
import runpy
import time
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from blog import dashboard, view_counts
from blog.models import DailyPostViews, Post
from tests.live_site import BROWSER, REDIS, redis_answers

pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"
)


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            # A prefix of its own: nothing left by another run is counted.
            "KEY_PREFIX": f"test-views-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def redis_counters(settings, monkeypatch):
    settings.CACHES = redis_cache(f"redis://{REDIS[0]}:{REDIS[1]}/0")
    settings.PAGE_CACHE_SECONDS = 0
    # Longer than a slow test takes: the tests say when a batch is due.
    monkeypatch.setattr(view_counts, "FLUSH_SECONDS", 600)
    # Each read goes to Redis at once unless a test keeps it in the worker's tally.
    monkeypatch.setattr(view_counts, "SEND_SECONDS", 0)
    monkeypatch.setattr(view_counts, "_tally", view_counts.Tally())
    # Today is worked out afresh: a test may have moved the clock.
    monkeypatch.setattr(view_counts, "_day", (None, None, float("-inf")))


@pytest.fixture
def tallied(monkeypatch):
    """Reads after the first of a second wait in the worker, as under load."""
    monkeypatch.setattr(view_counts, "SEND_SECONDS", 600)


@pytest.fixture
def post(make_post):
    return make_post(title="Counted in batches", slug="counted-in-batches")


def read(post, times=1):
    for _ in range(times):
        Client(headers={"User-Agent": BROWSER}).get(post.get_absolute_url())


def views_of(post):
    post.refresh_from_db()
    return post.view_count


def test_the_first_read_of_a_second_is_written_at_once(post):
    read(post)
    assert views_of(post) == 1


def test_reads_before_the_next_batch_wait_in_redis(post):
    read(post, 3)
    assert views_of(post) == 1


def test_flushing_adds_every_waiting_read(post):
    read(post, 3)
    call_command("flush_view_counts", stdout=io.StringIO())
    assert views_of(post) == 3


def test_the_next_batch_is_added_once_flush_seconds_have_passed(post):
    read(post, 3)
    caches["default"].delete(view_counts.FLUSH_DUE)  # as when FLUSH_SECONDS have passed
    read(post)
    assert views_of(post) == 4


def test_a_batch_counts_the_reads_of_the_day(post):
    read(post, 2)
    view_counts.flush()
    assert DailyPostViews.objects.get(post=post, day=timezone.localdate()).views == 2


def test_a_batch_adds_each_posts_own_reads(post, make_post):
    other = make_post(title="Read less often", slug="read-less-often")
    read(post, 4)
    read(other, 2)
    view_counts.flush()
    assert (views_of(post), views_of(other)) == (4, 2)


def test_a_batch_of_many_posts_costs_the_same_statements_as_one(post, make_post):
    many = [make_post(title=f"Read post {n}", slug=f"read-post-{n}") for n in range(6)]
    read(post, 2)
    with CaptureQueriesContext(connection) as one:
        view_counts.flush()
    for other in many:
        read(other, 2)
    with CaptureQueriesContext(connection) as six:
        view_counts.flush()
    assert len(six) == len(one)


def test_a_post_unpublished_before_the_batch_is_not_counted(post):
    read(post, 2)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    view_counts.flush()
    assert views_of(post) == 1


def test_reads_are_kept_for_the_next_batch_when_the_database_fails(post):
    read(post, 3)
    with mock.patch.object(Post.objects, "add_views", side_effect=DatabaseError("down")):
        view_counts.flush()
    view_counts.flush()
    assert views_of(post) == 3


def test_redis_lost_once_a_batch_is_added_is_not_an_error(post):
    read(post, 3)
    client = caches["default"].redis_client()
    with mock.patch.object(client, "delete", side_effect=RedisConnectionError("gone")):
        added = view_counts.flush(client)
    assert (added, views_of(post)) == (2, 3)


def test_redis_lost_while_a_failed_batch_goes_back_is_not_an_error(post):
    read(post, 3)
    client = caches["default"].redis_client()
    broken = mock.MagicMock()
    broken.execute.side_effect = RedisConnectionError("gone")
    with (
        mock.patch.object(Post.objects, "add_views", side_effect=DatabaseError("down")),
        mock.patch.object(client, "pipeline", return_value=broken),
    ):
        assert view_counts.flush(client) == 0


def test_reads_are_written_at_once_while_redis_is_unreachable(post, settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    read(post, 2)
    assert views_of(post) == 2


def test_the_dashboard_counts_the_waiting_reads(post, admin_user):
    read(post, 3)
    dashboard.figures(admin_user)
    assert views_of(post) == 3


def waiting_in_redis():
    cache = caches["default"]
    pending = cache.redis_client().hgetall(cache.make_key(view_counts.PENDING))
    return sum(int(views) for views in pending.values())


def test_reads_after_the_first_of_a_second_wait_in_the_worker(post, tallied):
    read(post, 3)
    assert (views_of(post), waiting_in_redis()) == (1, 0)


def test_the_workers_tally_goes_to_redis_a_moment_later(post, monkeypatch):
    monkeypatch.setattr(view_counts, "SEND_SECONDS", 0.2)
    read(post, 3)
    time.sleep(0.5)
    assert waiting_in_redis() == 2


def test_the_workers_tally_goes_when_gunicorn_stops_the_worker(post, tallied):
    read(post, 3)
    gunicorn_config = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.conf.py"))
    gunicorn_config["worker_exit"](server=None, worker=None)
    view_counts.flush()
    assert views_of(post) == 3


def test_flushing_adds_the_reads_of_this_workers_tally(post, tallied):
    read(post, 3)
    view_counts.flush()
    assert views_of(post) == 3


def test_the_tally_is_written_at_once_when_redis_is_lost(post, tallied):
    read(post, 3)
    client = caches["default"].redis_client()
    with mock.patch.object(client, "pipeline", side_effect=RedisConnectionError("gone")):
        view_counts.send(client)
    assert views_of(post) == 3


def test_reads_sent_by_the_timer_reach_the_database_with_the_next_read(post, monkeypatch):
    monkeypatch.setattr(view_counts, "SEND_SECONDS", 1)
    read(post)  # sent at once, and added to the database
    read(post, 2)  # wait for the timer
    caches["default"].delete(view_counts.FLUSH_DUE)  # as when FLUSH_SECONDS have passed
    time.sleep(1.3)  # the timer sends them and finds a batch due
    read(post)  # within a second of the timer's send: sent for the batch alone
    assert views_of(post) == 4


def test_reads_the_timer_could_not_send_go_with_the_next_read(post, monkeypatch):
    monkeypatch.setattr(view_counts, "SEND_SECONDS", 1)
    read(post)
    read(post, 2)
    client = caches["default"].redis_client()
    with mock.patch.object(client, "pipeline", side_effect=RedisConnectionError("gone")):
        time.sleep(1.3)  # the timer fails to send them
        read(post)  # Redis still unreachable: written to the database at once
    assert views_of(post) == 4


def test_a_database_failure_while_redis_is_lost_keeps_the_reads(post, tallied):
    read(post, 3)
    client = caches["default"].redis_client()
    with (
        mock.patch.object(client, "pipeline", side_effect=RedisConnectionError("gone")),
        mock.patch.object(Post.objects, "add_views", side_effect=DatabaseError("down")),
    ):
        view_counts.send(client)
    view_counts.flush()
    assert views_of(post) == 3


def test_a_post_page_shows_the_count_kept_while_a_batch_waits(post):
    Client().get(post.get_absolute_url())  # not a reader: nothing counted
    Post.objects.filter(pk=post.pk).update(view_count=41)
    assert "0 views" in Client().get(post.get_absolute_url()).text


def test_a_post_page_reads_the_count_again_once_a_batch_has_had_time(post, monkeypatch):
    monkeypatch.setattr(view_counts, "FLUSH_SECONDS", 1)
    Client().get(post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(view_count=41)
    time.sleep(1.1)  # the kept count expires in Redis
    assert "41 views" in Client().get(post.get_absolute_url()).text


def test_a_post_page_whose_count_is_kept_runs_no_query(post):
    Client().get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        Client().get(post.get_absolute_url())
    assert len(queries) == 0


def test_reads_after_midnight_count_for_the_new_day(post, monkeypatch):
    read(post)  # today worked out, until midnight
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    monkeypatch.setattr(time, "time", midnight.timestamp)
    read(post)
    view_counts.flush()
    assert DailyPostViews.objects.get(post=post, day=tomorrow).views == 1


def test_reads_count_for_the_day_in_the_sites_time_zone(post, settings):
    # Twelve hours behind UTC, then fourteen ahead: never the same day.
    settings.TIME_ZONE = "Etc/GMT+12"
    read(post)
    settings.TIME_ZONE = "Pacific/Kiritimati"
    read(post)
    view_counts.flush()
    ahead = timezone.localdate(timezone=timezone.get_default_timezone())
    assert DailyPostViews.objects.get(post=post, day=ahead).views == 1
