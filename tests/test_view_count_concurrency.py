"""Views counted on a real multi-worker server: many readers at once, and real browser headers."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_site import Browser, fresh_database, gunicorn, manage, prepare, site_environment

READERS = 240
CREATE_POSTS = """
from django.contrib.auth import get_user_model
from blog.models import Post
author = get_user_model().objects.create_user("writer")
for slug in ("busy", "日本語のニュース"):
    Post.objects.create(title=slug, slug=slug, body="Read me.", author=author, status="published")
"""


def views_of(env, slug):
    code = f"from blog.models import Post; print(Post.objects.get(slug='{slug}').view_count)"
    return int(manage(env, "shell", "--verbosity", "0", "--command", code))


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("live")
    with fresh_database(tmp_path) as database_url:
        env = site_environment(database_url, tmp_path)
        prepare(env)
        manage(env, "shell", "--verbosity", "0", "--command", CREATE_POSTS)
        with gunicorn(env, workers=2, threads=8) as base_url:
            yield base_url, env


pytestmark = pytest.mark.concurrency


def test_concurrent_readers_on_several_workers_are_all_counted(live_site):
    base_url, env = live_site
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: Browser(base_url).get("/posts/busy/"), range(READERS)))
    assert views_of(env, "busy") == READERS


def test_a_browser_reloading_a_non_ascii_address_is_counted_once(live_site):
    base_url, env = live_site
    reader = Browser(base_url)
    for _ in range(3):
        reader.get(
            "/posts/%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/"
        )
    assert views_of(env, "日本語のニュース") == 1
