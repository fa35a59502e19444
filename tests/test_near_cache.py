"""With Redis, a worker keeps what it read lately until Redis says it changed (blog.near_cache)."""

import time
import uuid
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils.safestring import SafeString, mark_safe

from blog import content_version, near_cache
from tests.live_site import BROWSER, REDIS, redis_answers, redis_commands

pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"
)


def redis_cache(max_bytes=1024 * 1024):
    return {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                "NEAR_CACHE": {"PREFIXES": ["near:", "blog:"], "MAX_BYTES": max_bytes},
            },
            # A prefix of its own: nothing cached by another run is read.
            "KEY_PREFIX": f"test-near-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def redis_with_near_cache(settings):
    settings.CACHES = redis_cache()


@pytest.fixture
def cache():
    return caches["default"]


@pytest.fixture
def other_worker():
    """The same cache as another gunicorn worker has it: its own connections and near cache."""
    return caches.create_connection("default")


def kept(cache, key, value):
    """`key` set to `value` and read once, so this worker keeps it."""
    cache.set(key, value)
    cache.get(key)


def test_a_value_read_again_is_answered_without_asking_redis(cache):
    kept(cache, "near:story", "kept")
    assert redis_commands(lambda: cache.get("near:story")) == []


def test_a_value_written_by_another_worker_is_read_afresh(cache, other_worker):
    kept(cache, "near:story", "old")
    other_worker.set("near:story", "new")
    assert cache.get("near:story") == "new"


def test_every_change_made_while_this_worker_was_idle_is_seen(cache, other_worker):
    # One message a write: several of them wait on the socket at once.
    keys = [f"near:story-{number}" for number in range(20)]
    for key in keys:
        kept(cache, key, "old")
    for key in keys:
        other_worker.set(key, "new")
    assert [cache.get(key) for key in keys] == ["new"] * 20


def test_a_value_deleted_by_another_worker_is_gone(cache, other_worker):
    kept(cache, "near:story", "old")
    other_worker.delete("near:story")
    assert cache.get("near:story") is None


def test_a_value_this_worker_writes_is_read_afresh(cache):
    kept(cache, "near:story", "old")
    cache.set("near:story", "new")
    assert cache.get("near:story") == "new"


def test_a_value_is_read_from_redis_again_after_a_while(cache, monkeypatch):
    monkeypatch.setattr(near_cache, "MAX_AGE_SECONDS", 0.1)
    kept(cache, "near:story", "kept")
    time.sleep(0.2)
    assert redis_commands(lambda: cache.get("near:story")) == ["MGET"]


def test_a_value_that_expires_in_redis_is_gone(cache, monkeypatch):
    # Redis expires keys when it comes across them: not a key only this worker reads.
    monkeypatch.setattr(near_cache, "MAX_AGE_SECONDS", 0.5)
    cache.set("near:story", "short-lived", timeout=1)
    cache.get("near:story")
    time.sleep(1.2)
    assert cache.get("near:story") is None


def test_keys_outside_the_prefixes_are_always_read_from_redis(cache):
    kept(cache, "ratelimit:search", 3)
    assert redis_commands(lambda: cache.get("ratelimit:search")) == ["GET"]


def test_values_are_read_from_redis_while_the_tracking_connection_is_lost(cache, other_worker):
    kept(cache, "near:story", "old")
    tracking = cache._cache.near._tracking
    tracking._sock.close()  # as when the connection drops
    other_worker.set("near:story", "new")
    assert cache.get("near:story") == "new"


def test_values_read_while_tracking_was_lost_are_not_kept(cache):
    kept(cache, "near:story", "old")
    cache._cache.near._tracking._sock.close()
    cache.get("near:story")  # finds the connection gone; no new one for a few seconds
    assert redis_commands(lambda: cache.get("near:story")) == ["MGET"]


def test_each_read_gives_its_own_copy(cache):
    kept(cache, "near:story", {"views": 1})
    cache.get("near:story")["views"] = 2
    assert cache.get("near:story") == {"views": 1}


def test_a_model_instance_is_kept_decoded(cache, monkeypatch, category):
    kept(cache, "near:category", category)
    monkeypatch.setattr(cache._cache._serializer, "loads", lambda raw: "not decoded")
    assert cache.get("near:category").name == category.name


def test_each_read_of_a_model_instance_kept_decoded_gets_its_own_copy(cache, category):
    kept(cache, "near:category", category)
    cache.get("near:category").name = "Changed by one request"
    assert cache.get("near:category").name == category.name


@pytest.mark.parametrize("value", ["<p>Hello</p>", 42, b"bytes"])
def test_a_value_no_one_can_change_is_kept_decoded(cache, monkeypatch, value):
    kept(cache, "near:fragment", value)
    monkeypatch.setattr(cache._cache._serializer, "loads", lambda raw: "not decoded")
    assert cache.get("near:fragment") == value


def test_a_fragment_kept_decoded_is_still_safe(cache, monkeypatch):
    kept(cache, "near:fragment", mark_safe("<p>Hello</p>"))
    monkeypatch.setattr(cache._cache._serializer, "loads", lambda raw: "not decoded")
    assert isinstance(cache.get("near:fragment"), SafeString)


@pytest.mark.parametrize("value", [None, True])
def test_other_values_are_decoded_on_every_read(cache, monkeypatch, value):
    kept(cache, "near:flag", value)
    monkeypatch.setattr(cache._cache._serializer, "loads", lambda raw: "decoded")
    assert cache.get("near:flag") == "decoded"


@pytest.fixture
def full_with_two(settings):
    """A near cache with room for two of three values of 1,000 characters, read in turn."""
    settings.CACHES = redis_cache(max_bytes=3000)
    cache = caches["default"]
    for name in ("first", "second", "third"):
        kept(cache, f"near:{name}", "x" * 1000)
    return cache


def test_the_oldest_value_goes_when_the_memory_is_full(full_with_two):
    assert redis_commands(lambda: full_with_two.get("near:first")) == ["MGET"]


@pytest.mark.parametrize("name", ["second", "third"])
def test_the_newer_values_stay_when_the_memory_is_full(full_with_two, name):
    assert redis_commands(lambda: full_with_two.get(f"near:{name}")) == []


def test_a_string_beyond_latin_1_counts_its_wider_characters(settings):
    settings.CACHES = redis_cache(max_bytes=3000)
    cache = caches["default"]
    # Pickled, each is about 1,000 bytes: two would fit. Decoded, one quotation mark makes every
    # character take two bytes.
    kept(cache, "near:first", "x" * 1000 + "“")
    kept(cache, "near:second", "x" * 1000 + "“")
    assert redis_commands(lambda: cache.get("near:first")) == ["MGET"]


def test_a_cached_page_is_answered_without_asking_redis(make_post, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="Near", slug="near")
    Client().get("/")
    Client().get("/")  # kept by this worker
    assert redis_commands(lambda: Client().get("/")) == []


def test_a_cached_page_is_kept_decoded(cache, make_post, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="Near", slug="near")
    Client().get("/")
    Client().get("/")
    decoded = []
    loads = cache._cache._serializer.loads
    monkeypatch.setattr(
        cache._cache._serializer, "loads", lambda raw: decoded.append(loads(raw)) or decoded[-1]
    )
    Client().get("/")
    # The content version's state alone: not the page.
    assert [type(value) for value in decoded] == [dict]


def test_each_hit_on_a_page_kept_decoded_gets_a_response_of_its_own(make_post, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="Near", slug="near")
    Client().get("/")
    first = Client().get("/")
    first["X-Changed"] = "by one request"
    first.set_cookie("changed", "by one request")
    first.write(b"<!-- by one request -->")
    second = Client().get("/")
    assert ("X-Changed" in second, "changed" in second.cookies, b"by one" in second.content) == (
        False,
        False,
        False,
    )


def test_closing_one_hit_on_a_page_kept_decoded_closes_nothing_of_another(make_post, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="Near", slug="near")
    Client().get("/")
    first = Client().get("/")
    closer = mock.Mock()
    first._resource_closers.append(closer)
    Client().get("/")
    assert not closer.called


def test_a_content_change_made_by_another_worker_shows_on_the_next_request(
    make_post, settings, other_worker
):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="Near", slug="near")
    Client().get("/")
    Client().get("/")
    other_worker.set(
        content_version.STATE_KEY, {"version": "from-elsewhere", "next_publication": None}, None
    )
    assert Client(headers={"User-Agent": BROWSER}).get("/")["X-Page-Cache"] == "miss"


def test_kept_values_are_read_afresh_after_a_flood_of_changes(cache, other_worker, monkeypatch):
    monkeypatch.setattr(near_cache, "MAX_MESSAGES_A_READ", 10)
    kept(cache, "near:story", "old")
    for n in range(20):
        other_worker.set(f"near:other-{n}", n)
    cache.get("near:other-0")  # more messages than a read takes: everything kept is dropped
    assert redis_commands(lambda: cache.get("near:story")) == ["MGET"]


def test_a_redis_that_refuses_tracking_is_not_asked_again(cache, monkeypatch):
    monkeypatch.setattr(near_cache, "RECONNECT_SECONDS", 0)
    pool = cache._cache._get_connection_pool(write=False)
    # Redis refuses prefixes that overlap.
    near = near_cache.NearCache(pool, ["near:", "near:a"], 1000)
    opened = []
    real = pool.connection_class
    monkeypatch.setattr(pool, "connection_class", lambda **kw: opened.append(1) or real(**kw))
    near.read(["near:a"])
    near.read(["near:a"])
    assert len(opened) == 1
