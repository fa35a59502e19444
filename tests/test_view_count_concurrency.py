"""Views counted under real concurrency: many readers at once, several gunicorn workers."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_site import fresh_database, gunicorn, manage, prepare, site_environment

READERS = 240
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
CREATE_POST = """
from django.contrib.auth import get_user_model
from blog.models import Post
author = get_user_model().objects.create_user("writer")
Post.objects.create(title="Busy", slug="busy", body="Read me.", author=author, status="published")
"""
READ_COUNT = "from blog.models import Post; print(Post.objects.get(slug='busy').view_count)"


def read(url: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


@pytest.mark.concurrency
def test_concurrent_readers_on_several_workers_are_all_counted(tmp_path):
    with fresh_database(tmp_path) as database_url:
        env = site_environment(database_url, tmp_path)
        prepare(env)
        manage(env, "shell", "--verbosity", "0", "--command", CREATE_POST)
        with gunicorn(env, workers=2, threads=8) as base_url, ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(read, [f"{base_url}/posts/busy/"] * READERS))
        assert statuses == [200] * READERS
        assert int(manage(env, "shell", "--verbosity", "0", "--command", READ_COUNT)) == READERS
