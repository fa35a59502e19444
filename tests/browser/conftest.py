"""Fixtures for browser tests; tests/browser/__init__.py explains them."""

import os

import pytest

from tests.browser.chromium import DESKTOP, Problems, launch, missing_reason, serve_demo_site


@pytest.fixture(scope="package")
def demo_site(tmp_path_factory):
    with serve_demo_site(tmp_path_factory.mktemp("browser-site")) as site:
        yield site


@pytest.fixture(scope="module")
def chromium():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium):
    contexts = []

    def make(**context_options):
        options = {"viewport": DESKTOP, "color_scheme": "light", **context_options}
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.watch = Problems().watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def staff_page(new_page, demo_site):
    page = new_page()
    page.goto(demo_site.page_url("/admin/login/?next=/admin/"))
    page.fill("#id_username", demo_site.editor)
    page.fill("#id_password", demo_site.editor_password)
    page.click("input[type=submit]")
    page.wait_for_url(demo_site.page_url("/admin/"))
    return page
