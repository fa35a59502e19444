"""With Redis, a page reads the fragments its template asks for in one round trip."""

import uuid
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client
from redis import Redis

from blog.cache_backends import PREFETCHED
from tests.live_site import REDIS, redis_answers

pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"
)


@pytest.fixture(autouse=True)
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            # A prefix of its own: nothing cached by another run is read.
            "KEY_PREFIX": f"test-prefetch-{uuid.uuid4().hex}",
        }
    }
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def request_scope():
    token = PREFETCHED.set({})
    yield
    PREFETCHED.reset(token)


def redis_commands(url) -> list[str]:
    """The commands a request for `url` sends to Redis (a client without a User-Agent: no read
    is counted)."""
    sent = []
    real = Redis.execute_command

    def execute_command(client, *args, **options):
        sent.append(args[0])
        return real(client, *args, **options)

    with mock.patch.object(Redis, "execute_command", execute_command):
        Client().get(url)
    return sent


def test_a_post_page_reads_its_five_fragments_in_one_round_trip(make_post):
    post = make_post(title="Prefetched", slug="prefetched")
    Client().get(post.get_absolute_url())  # renders and stores the fragments
    assert redis_commands(post.get_absolute_url()) == ["GET", "MGET"]


def test_a_value_written_after_it_was_read_ahead_is_read_afresh(request_scope):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    cache.set("fragment", "new")
    assert cache.get("fragment") == "new"


def test_a_key_read_ahead_and_missing_gives_the_default(request_scope):
    cache = caches["default"]
    cache.prefetch(["never-set"])
    assert cache.get("never-set", "default") == "default"


def test_outside_a_request_nothing_is_kept(db):
    cache = caches["default"]
    cache.set("fragment", "old")
    cache.prefetch(["fragment"])
    caches["default"]._cache.get_client(write=True).delete(cache.make_key("fragment"))
    assert cache.get("fragment") is None
