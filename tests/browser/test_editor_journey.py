"""An editor in chromium: write a post with a cover, preview it, schedule it, publish it."""

import io
import re

import pytest
from PIL import Image

from tests.browser.chromium import serve_demo_site

TITLE = "Night ferry returns to the harbour"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    # A site of its own: the post published here must not change what the reader tests count.
    with serve_demo_site(tmp_path_factory.mktemp("editor-site"), workers=1) as site:
        yield site


@pytest.fixture
def cover_file(tmp_path):
    path = tmp_path / "ferry.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "teal").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def state(page) -> str:
    return page.locator(".field-publication_state .readonly").inner_text().strip()


def test_an_editor_writes_previews_schedules_and_publishes_a_post(
    staff_page, demo_site, cover_file
):
    page = staff_page
    page.goto(demo_site.page_url("/admin/blog/post/add/"))
    page.fill("#id_title", TITLE)
    page.fill("#id_body", "## Timetable\n\nThe ferry sails at **nine** every night.")
    page.set_input_files("#id_cover_image", str(cover_file))
    page.fill("#id_cover_image_alt", "The ferry at its berth at dusk")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    assert state(page) == "Draft"

    page.click(".object-tools >> text=Preview")
    page.wait_for_url(re.compile(r"/preview/\d+/$"))
    assert page.locator(".preview-banner").inner_text().startswith("Preview")
    assert page.locator("h1").inner_text().strip() == TITLE
    assert page.locator("main img, main picture").count() >= 1
    page.go_back()

    page.fill("#id_published_at_0", "2099-01-02")
    page.fill("#id_published_at_1", "09:30:00")
    page.click("input[name=_schedule]")
    page.wait_for_load_state()
    assert state(page).startswith("Scheduled for 2 January 2099, 09:30")

    page.click("input[name=_publish]")
    page.wait_for_load_state()
    assert state(page).startswith("Published on")

    page.goto(demo_site.page_url("/"))
    assert page.locator(".post-card__title a", has_text=TITLE).count() == 1
