"""axe-core finds no accessibility problem on the public pages: light, dark, phone, desktop."""

import pytest

from tests.browser.chromium import DESKTOP, MOBILE, READER_PAGES

# Everything axe checks by default (WCAG 2.0-2.2 A and AA, best practices), plus the WCAG 2.2 AA
# rule on target sizes that axe leaves off unless asked.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
SCREENS = {"desktop": {"viewport": DESKTOP}, "phone": {"viewport": MOBILE, "is_mobile": True}}


def summary(violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", READER_PAGES)
def test_axe_finds_no_violations(new_page, demo_site, axe, name, screen, scheme):
    page = new_page(color_scheme=scheme, **SCREENS[screen])
    page.goto(demo_site.page_url(READER_PAGES[name]))
    results = axe.run(page, options=AXE_OPTIONS)
    assert [summary(violation) for violation in results.response["violations"]] == []
