"""A reader in chromium: following links, paging, the keyboard, a phone, dark mode."""

import re

import pytest

from blog.demo import POSTS
from tests.browser.chromium import EXTRA_POSTS, MOBILE, READER_PAGES

PUBLISHED_DEMO_POSTS = sum(1 for post in POSTS if post.days_ago is not None and post.days_ago >= 0)


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_a_reader_goes_from_the_home_page_through_tags_and_search_to_a_category_feed(
    page, demo_site
):
    page.goto(demo_site.page_url("/"))
    page.locator(".post-card__title a", has_text="Council makes open source").first.click()
    assert heading(page) == "Council makes open source the default after AI chatbot review"

    page.locator(".post__footer .tag-list a", has_text="Open Source").click()
    page.wait_for_url(re.compile(r"/tag/open-source/$"))
    page.locator(".post-card__title a", has_text="Why we built the Dispatch on Django").click()
    assert heading(page) == "Why we built the Dispatch on Django"

    related = page.locator(".related__link").first
    related_title = related.inner_text().strip()
    related.click()
    assert heading(page) == related_title

    page.fill("#site-search-q", "market")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=market$"))
    assert page.locator(".search-result mark").first.inner_text().lower() == "market"

    category = page.locator(".search-result .post-meta a").first
    category_name = category.inner_text().strip()
    category.click()
    assert heading(page) == category_name

    feed = page.locator('head link[rel="alternate"][type="application/rss+xml"]').last
    response = page.request.get(demo_site.page_url(feed.get_attribute("href")))
    assert (response.status, response.headers["content-type"].split(";")[0]) == (
        200,
        "application/rss+xml",
    )


def test_clicking_older_posts_pages_through_every_published_post_once(page, demo_site):
    page.goto(demo_site.page_url("/"))
    seen = []
    while True:
        seen += page.locator("main .post-card__title a").all_inner_texts()
        older = page.locator('.pagination a[rel="next"]')
        if not older.count():
            break
        # Read the next page only once it has loaded, not the emptied document in between.
        with page.expect_navigation():
            older.click()
    assert sorted(seen) == sorted(set(seen)) and len(seen) == PUBLISHED_DEMO_POSTS + EXTRA_POSTS


def test_clicking_newer_posts_goes_back_a_page(page, demo_site):
    page.goto(demo_site.page_url("/?page=3"))
    with page.expect_navigation():
        page.locator('.pagination a[rel="prev"]').click()
    assert page.locator('.pagination [aria-current="page"]').inner_text() == "Page 2 of 3"


def test_the_skip_link_is_the_first_tab_stop_and_shows_when_focused(page, demo_site):
    page.goto(demo_site.page_url(READER_PAGES["post"]))
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link" and box["y"] >= 0 and box["height"] > 0


def test_the_skip_link_moves_focus_to_the_main_content(page, demo_site):
    page.goto(demo_site.page_url(READER_PAGES["post"]))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# What the focused element is and whether it shows that it has focus: an outline or a ring, on
# an element big enough to see, scrolled into the window.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const box = element.getBoundingClientRect();
  const onScreen = box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight
    && box.right > 0 && box.left < innerWidth;
  return {
    tag: element.tagName,
    href: element.getAttribute("href"),
    text: element.textContent.trim().slice(0, 60),
    visible: (outline || style.boxShadow !== "none") && onScreen,
  };
}"""
VISIBLE_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((link) => link.checkVisibility())
  .map((link) => link.getAttribute("href"))"""


@pytest.fixture
def tab_stops(page, demo_site):
    """Every element Tab reaches on the post page, in order, from the top until focus leaves."""
    page.goto(demo_site.page_url(READER_PAGES["post"]))
    stops = []
    for _ in range(500):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["tag"] == "BODY":
            return stops
        stops.append(state)
    pytest.fail("Tab never left the page: a keyboard trap")


def test_tab_reaches_every_link_on_the_post_page(page, tab_stops):
    reached = {stop["href"] for stop in tab_stops}
    assert set(page.evaluate(VISIBLE_LINKS)) - reached == set()


def test_every_tab_stop_on_the_post_page_shows_a_focus_indicator(tab_stops):
    assert [stop for stop in tab_stops if not stop["visible"]] == []


LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const texts = [...document.querySelectorAll("body *")].filter((element) =>
    element.checkVisibility() &&
    [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim()));
  return {
    width,
    scrollWidth: document.documentElement.scrollWidth,
    smallestText: Math.min(...texts.map((text) => parseFloat(getComputedStyle(text).fontSize))),
    bodyText: parseFloat(getComputedStyle(document.body).fontSize),
    imagesOutside: [...document.images]
      .filter((image) => image.checkVisibility())
      .map((image) => [image.currentSrc, image.getBoundingClientRect()])
      .filter(([, box]) => box.left < 0 || box.right > width)
      .map(([src]) => src),
  };
}"""


@pytest.fixture(params=READER_PAGES)
def phone_layout(request, new_page, demo_site):
    """The layout of a page on a 375 px wide phone."""
    page = new_page(viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(demo_site.page_url(READER_PAGES[request.param]))
    return page.evaluate(LAYOUT)


def test_pages_do_not_scroll_sideways_on_a_phone(phone_layout):
    assert (phone_layout["width"], phone_layout["scrollWidth"]) == (375, 375)


def test_text_on_a_phone_is_readable(phone_layout):
    # Lighthouse's legibility floor is 12 px; body copy should be a comfortable 16 px or more.
    assert phone_layout["smallestText"] >= 12 and phone_layout["bodyText"] >= 16


def test_images_fit_within_a_phone_screen(phone_layout):
    assert phone_layout["imagesOutside"] == []


SEARCH_FORMS = """() => [...document.querySelectorAll("form[role=search]")].map((form) => [
  form.querySelector("input[type=search]").getBoundingClientRect().height,
  form.querySelector("button").getBoundingClientRect().height,
])"""


@pytest.mark.parametrize("name", ["search", "not-found"])
def test_search_buttons_are_as_tall_as_their_fields(page, demo_site, name):
    page.goto(demo_site.page_url(READER_PAGES[name]))
    forms = page.evaluate(SEARCH_FORMS)
    assert len(forms) == 2 and all(field == button for field, button in forms)


COLOURS = """() => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((value) => {
      const channel = value / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(document.body);
  return {background: luminance(style.backgroundColor), text: luminance(style.color)};
}"""


def test_a_reader_who_prefers_dark_gets_light_text_on_a_dark_background(new_page, demo_site):
    page = new_page(color_scheme="dark")
    page.goto(demo_site.page_url(READER_PAGES["post"]))
    colours = page.evaluate(COLOURS)
    assert colours["background"] < 0.05 and colours["text"] > 0.6


def test_a_reader_who_prefers_light_gets_dark_text_on_a_light_background(page, demo_site):
    page.goto(demo_site.page_url(READER_PAGES["post"]))
    colours = page.evaluate(COLOURS)
    assert colours["background"] > 0.9 and colours["text"] < 0.05


@pytest.mark.parametrize("name", READER_PAGES)
def test_pages_load_without_console_errors_or_failed_requests(page, demo_site, name):
    url = demo_site.page_url(READER_PAGES[name])
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    problems = page.watch.all()
    if name == "not-found":
        # The page itself answers 404, as it should; chromium reports that as a console error.
        assert response.status == 404
        problems = [problem for problem in problems if not problem.endswith(url)]
    assert problems == []
