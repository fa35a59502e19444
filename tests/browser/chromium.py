"""Starting Debian's chromium under Playwright, and a live demo site for it to read."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from blog.demo import AUTHOR_USERNAME, NEWS_ARTICLE_SLUG
from tests.live_site import free_port, fresh_database, gunicorn, manage, prepare, site_environment

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work here; these flags keep Debian's chromium from
# reaching out to Google's services, which this machine's closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}

# The public pages every check visits, by name; only "not-found" answers other than 200.
READER_PAGES = {
    "home": "/",
    "post": f"/posts/{NEWS_ARTICLE_SLUG}/",
    "category": "/category/news/",
    "tag": "/tag/open-source/",
    "author": f"/author/{AUTHOR_USERNAME}/",
    "archive": "/archive/",
    "search": "/search/?q=market",
    "search-no-results": "/search/?q=xylophone",
    "not-found": "/no-such-page/",
}

EDITOR = "editor"
EDITOR_PASSWORD = "browser-tests-editor-1"
# Old enough to sort after the demo posts, so the first page of the home page stays the demo's.
EXTRA_POSTS = 16
ADD_EXTRA_POSTS = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from blog.models import Category, Post

author = get_user_model().objects.get(username="dispatch")
culture = Category.objects.get(slug="culture")
for number in range(1, {EXTRA_POSTS} + 1):
    post = Post.objects.create(
        title=f"From the archive, part {{number}}",
        body=f"Part {{number}} of our look back at Larkfield's market square and its traders.",
        author=author,
        category=culture,
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=100 + number),
    )
    post.tags.set(["Larkfield"])
get_user_model().objects.create_superuser("{EDITOR}", password="{EDITOR_PASSWORD}")
"""


def missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def launch(playwright):
    """Debian's chromium, headless, with a fresh profile (Playwright makes one per launch)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


@dataclass
class DemoSite:
    url: str
    env: dict[str, str]
    editor: str = EDITOR
    editor_password: str = EDITOR_PASSWORD

    def page_url(self, path: str) -> str:
        return self.url + path


@contextmanager
def serve_demo_site(tmp_path: Path, workers: int = 2):
    """A fresh copy of the site with the demo content, served by gunicorn; yields a DemoSite."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with fresh_database(tmp_path) as database_url:
        # SITE_URL on the live address: canonical links and feed links point at this server.
        env = site_environment(database_url, tmp_path, SITE_URL=url)
        prepare(env)
        manage(env, "load_demo")
        manage(env, "shell", "--verbosity", "0", "--command", ADD_EXTRA_POSTS)
        with gunicorn(env, workers=workers, port=port) as base_url:
            yield DemoSite(url=base_url, env=env)


@dataclass
class Problems:
    """What went wrong while a page was open: the browser's own complaints, not the test's."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)

    def watch(self, page) -> "Problems":
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.console_errors.append(f"{message.text} at {message.location.get('url')}")
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "requestfailed",
            lambda request: self.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.error_responses.append(f"{response.status} {response.url}")
            ),
        )
        return self

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests + self.error_responses
