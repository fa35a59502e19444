"""With Redis, a page reads the fragments its template asks for in one round trip."""

import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from blog import view_counts
from blog.cache_backends import PREFETCHED
from tests.live_site import REDIS, redis_answers, redis_commands

pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"
)


@pytest.fixture(autouse=True)
def redis_cache(settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            # A prefix of its own: nothing cached by another run is read.
            "KEY_PREFIX": f"test-prefetch-{uuid.uuid4().hex}",
        }
    }
    settings.PAGE_CACHE_SECONDS = 0
    # A post's view count is kept this long: longer than a slow test takes.
    monkeypatch.setattr(view_counts, "FLUSH_SECONDS", 600)


@pytest.fixture
def request_scope():
    token = PREFETCHED.set({})
    yield
    PREFETCHED.reset(token)


@pytest.fixture
def post(make_post):
    post = make_post(title="Prefetched", slug="prefetched", featured=True)
    Client().get("/")  # renders and stores the fragments
    Client().get(post.get_absolute_url())
    return post


def test_a_post_page_reads_its_five_fragments_in_one_round_trip(post):
    # The content version, the post as this version shows it, its view count, the fragments.
    commands = redis_commands(lambda: Client().get(post.get_absolute_url()))
    assert commands == ["GET", "GET", "GET", "MGET"]


def test_the_home_page_reads_its_three_fragments_in_one_round_trip(post):
    # The content version, the list's count, its page of ids, the fragments, the cards.
    assert redis_commands(lambda: Client().get("/")) == ["GET", "GET", "GET", "MGET", "MGET"]


def test_a_post_page_from_fragments_read_ahead_is_the_page_rendered_afresh(post, settings):
    read_ahead = Client().get(post.get_absolute_url()).content
    settings.CACHES["default"]["KEY_PREFIX"] += "-empty"
    assert Client().get(post.get_absolute_url()).content == read_ahead


def test_a_value_written_after_it_was_read_ahead_is_read_afresh(request_scope):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    cache.set("fragment", "new")
    assert cache.get("fragment") == "new"


@pytest.mark.parametrize(
    "write",
    [
        lambda cache: cache.delete("fragment"),
        lambda cache: cache.delete_many(["fragment"]),
        lambda cache: cache.set_many({"fragment": "new"}),
        lambda cache: cache.clear(),
    ],
    ids=["delete", "delete_many", "set_many", "clear"],
)
def test_a_value_changed_after_it_was_read_ahead_is_read_afresh(request_scope, write):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    write(cache)
    assert cache.get("fragment") != "old"


def test_a_key_read_ahead_is_answered_without_asking_redis(request_scope):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    redis_delete(cache, "fragment")
    assert cache.get("fragment") == "old"


def test_a_key_read_ahead_and_missing_gives_the_default(request_scope):
    cache = caches["default"]
    cache.prefetch(["never-set"])
    cache.redis_client().set(cache.make_key("never-set"), 5)  # as another worker would
    assert cache.get("never-set", "default") == "default"


def test_outside_a_request_nothing_is_kept(db):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    redis_delete(cache, "fragment")
    assert cache.get("fragment") is None


def redis_delete(cache, key):
    """Deletes `key` in Redis itself, as another worker would."""
    cache.redis_client().delete(cache.make_key(key))
