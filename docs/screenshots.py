"""Screenshots for the README, taken in Debian's chromium: `make screenshots`.

Serves a fresh demo site (the one the browser tests use) and saves PNGs into docs/screenshots/:
the home page, a post on desktop and phone in light and dark mode, search results, and the admin
form an editor writes a post in.
"""

import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUTPUT = PROJECT / "docs" / "screenshots"


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    phone = {"viewport": MOBILE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    screens = {"desktop": {"viewport": DESKTOP}, "mobile": phone}
    shots = [("home", "/", "desktop", "light"), ("search", "/search/?q=market", "desktop", "light")]
    shots += [
        (f"post-{screen}-{scheme}", READER_PAGES["post"], screen, scheme)
        for screen in screens
        for scheme in ("light", "dark")
    ]
    with (
        tempfile.TemporaryDirectory() as folder,
        serve_demo_site(Path(folder)) as site,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        for name, path, screen, scheme in shots:
            context = browser.new_context(color_scheme=scheme, **screens[screen])
            page = context.new_page()
            page.goto(site.page_url(path), wait_until="networkidle")
            save(page, name)
            context.close()

        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.goto(site.page_url("/admin/login/?next=/admin/blog/post/"))
        page.fill("#id_username", site.editor)
        page.fill("#id_password", site.editor_password)
        page.click("input[type=submit]")
        page.get_by_role("link", name="Council makes open source the default").click()
        page.wait_for_load_state("networkidle")
        save(page, "admin-post-form")
        browser.close()


def save(page, name: str) -> None:
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=path)
    print(f"Saved {path.relative_to(PROJECT)}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tests.browser.chromium import DESKTOP, MOBILE, READER_PAGES, launch, serve_demo_site

    main()
