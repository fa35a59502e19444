"""Two app servers sharing one PostgreSQL database and one Redis, as in a scaled-out deployment."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings

from blog import view_counts
from tests.live_site import (
    REDIS,
    Browser,
    fresh_database,
    gunicorn,
    manage,
    prepare,
    redis_answers,
    site_environment,
)

CREATE_EDITOR = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("chief", password="scale-out-password-1")
"""


pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="scale-out runs on the PostgreSQL pass of the suite",
    ),
    pytest.mark.skipif(not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"),
]


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("scale-out")
    redis_url = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    prefix = f"test-{uuid.uuid4().hex}"
    with fresh_database(tmp_path) as database_url:
        env = site_environment(database_url, tmp_path, REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix)
        prepare(env)
        manage(env, "shell", "--verbosity", "0", "--command", CREATE_EDITOR)
        try:
            with gunicorn(env, workers=2) as server_a, gunicorn(env, workers=2) as server_b:
                yield server_a, server_b, env
        finally:
            shared = redis.Redis.from_url(redis_url)
            for key in shared.scan_iter(f"{prefix}:*"):
                shared.delete(key)


def test_a_post_published_on_one_server_shows_on_the_other_at_once(two_servers):
    server_a, server_b, _ = two_servers
    reader = Browser(server_b)
    reader.get("/")
    reader.get("/")
    assert reader.last_headers["X-Page-Cache"] == "hit"  # B serves its home page from the cache
    editor = Browser(server_a)
    editor.submit("/admin/login/", {"username": "chief", "password": "scale-out-password-1"})
    editor.submit(
        "/admin/blog/post/add/",
        {"title": "Fresh from server A", "body": "Hello.", "status": "published", "tags": ""},
    )
    assert "Fresh from server A" in reader.get("/")


def test_views_on_both_servers_add_up_exactly(two_servers):
    server_a, server_b, env = two_servers
    manage(env, "shell", "--verbosity", "0", "--command", CREATE_POST)
    urls = [f"{server}/posts/shared/" for server in (server_a, server_b)] * 100
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda url: Browser("").get(url), urls))
    # The reads of the last second wait in the workers for a second, then in Redis.
    time.sleep(view_counts.SEND_SECONDS + 1)
    manage(env, "flush_view_counts")
    assert int(manage(env, "shell", "--verbosity", "0", "--command", READ_COUNT)) == len(urls)


CREATE_POST = """
from django.contrib.auth import get_user_model
from blog.models import Post
Post.objects.create(title="Shared", slug="shared", body="Read me.",
                    author=get_user_model().objects.get(username="chief"), status="published")
"""
READ_COUNT = "from blog.models import Post; print(Post.objects.get(slug='shared').view_count)"
