"""A real copy of the site served by gunicorn, for tests about concurrency and scale-out."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from redis import Redis

PROJECT = Path(__file__).resolve().parent.parent
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    """Whether the Redis the suite uses is listening (tests that need it skip otherwise)."""
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def redis_commands(action) -> list[str]:
    """The commands `action()` sends to Redis outside pipelines (a counted read goes in one)."""
    sent = []
    real = Redis.execute_command

    def execute_command(client, *args, **options):
        sent.append(args[0])
        return real(client, *args, **options)

    with mock.patch.object(Redis, "execute_command", execute_command):
        action()
    return sent


@contextmanager
def fresh_database(tmp_path: Path):
    """The URL of a new, empty database of the kind the suite runs on."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg

    suite_url = urlsplit(os.environ["DATABASE_URL"])
    name = f"blog_live_{uuid.uuid4().hex[:12]}"
    maintenance = urlunsplit(suite_url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(suite_url._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_environment(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    # The caller decides whether the site uses Redis, not the shell the suite ran in.
    inherited = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "live-site-test-key-" + "x" * 40,
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_DIR": str(tmp_path / "cache"),
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with the suite's environment plus `env`, minus the optional services."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "S3_BUCKET")}, **env},
        capture_output=True,
        text=True,
    )


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, threads: int = 4, port: int | None = None):
    """Serve the site with the production gunicorn config; yields its base URL."""
    port = port or free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"{base_url}/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 seconds")


class Browser:
    """A reader or editor with cookies, talking to one server."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        request = urllib.request.Request(self.base_url + path, headers={"User-Agent": BROWSER})
        with self.opener.open(request, timeout=60) as response:
            self.last_headers = response.headers
            return response.read().decode()

    def submit(self, path, fields):
        """Send the form at `path` as a browser would: its CSRF token and preselected options."""
        form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        selects = re.findall(r'<select name="(\w+)"(.*?)</select>', form, re.DOTALL)
        selected = {
            name: match[1]
            for name, options in selects
            if (match := re.search(r'<option value="([^"]+)" selected>', options))
        }
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **selected, **fields}).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            headers={"User-Agent": BROWSER, "Referer": self.base_url + path},
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()
