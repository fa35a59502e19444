"""The content version is read from the cache once per request, and afresh outside requests."""

from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client

from blog import content_version
from blog.models import Post
from tests.live_site import BROWSER


@pytest.fixture
def post(make_post, category, commit):
    return commit(
        make_post, title="Versioned", slug="versioned", category=category, tags=["Rivers"]
    )


def state_reads(url):
    """How many cache calls of the request read the version's state."""
    reads = []
    backend = caches["default"]
    real_get, real_get_many = backend.get, backend.get_many

    def get(key, *args, **kwargs):
        reads.append(key == content_version.STATE_KEY)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(content_version.STATE_KEY in keys)
        # The local-memory cache's get_many calls get for each key: one call, not two.
        with mock.patch.object(backend, "get", real_get):
            return real_get_many(keys, *args, **kwargs)

    with mock.patch.object(backend, "get", get), mock.patch.object(backend, "get_many", get_many):
        Client(headers={"User-Agent": BROWSER}).get(url)
    return sum(reads)


@pytest.mark.parametrize("page_cache_seconds", [0, 60])
def test_a_page_reads_the_version_once(post, settings, page_cache_seconds):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    Client(headers={"User-Agent": BROWSER}).get("/")  # fills the fragments
    assert state_reads("/") == 1


def test_outside_a_request_a_bump_elsewhere_is_seen_at_once(db):
    content_version.current()
    cache.set(
        content_version.STATE_KEY, {"version": "from-another-worker", "next_publication": None}
    )
    assert content_version.current() == "from-another-worker"


def test_a_deploy_migrating_the_database_starts_a_new_content_version(db):
    # Nothing cached by the code before it is read again (a model it changed may not unpickle).
    before = content_version.current()
    call_command("migrate", verbosity=0)
    assert content_version.current() != before


def read_post(post):
    return content_version.cached("versioned-post", lambda: Post.objects.get(pk=post.pk))


def test_a_value_kept_per_content_version_is_read_anew_in_a_new_one(post, commit):
    read_post(post)
    commit(Post.objects.filter(pk=post.pk).update, title="Renamed")
    assert read_post(post).title == "Renamed"
