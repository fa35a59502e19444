"""The Nu Html Checker (vnu-jar from npm, run with Java) finds no errors in the pages or the CSS."""

import json
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.browser.chromium import READER_PAGES
from tests.live_site import BROWSER, PROJECT

VNU_VERSION = "26.9.27"
# Git-ignored; .ci/run installs the checker here too.
TOOLS = PROJECT / ".tools"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
STYLESHEET = PROJECT / "static" / "css" / "site.css"


@pytest.fixture(scope="module")
def vnu():
    """The command that runs the checker, installing it with npm the first time."""
    if not shutil.which("java"):
        pytest.skip("Java is not installed: the Nu Html Checker needs it")
    if not VNU_JAR.exists():
        if not shutil.which("npm"):
            pytest.skip("npm is not installed: it fetches the Nu Html Checker (vnu-jar)")
        try:
            install = subprocess.run(
                ["npm", "install", "--prefix", str(TOOLS), "--no-save", "--no-audit", "--no-fund"]
                + ["--loglevel=error", "--fetch-retries=1", f"vnu-jar@{VNU_VERSION}"],
                check=False,
                capture_output=True,
                text=True,
                timeout=300,
            )
            npm_said = install.stderr.strip().splitlines()[:1] or ["no output"]
        except subprocess.TimeoutExpired:
            # Offline behind a firewall that drops packets, npm waits rather than fails.
            npm_said = ["no answer from the registry within 300 s"]
        if not VNU_JAR.exists():
            pytest.skip(f"npm could not install vnu-jar@{VNU_VERSION}: {npm_said[0]}")

    def run(*args: str) -> list[dict]:
        """The checker's errors, as its JSON messages."""
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return json.loads(result.stdout)["messages"]

    return run


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        # The 404 page is a page too.
        return error.read()


@pytest.fixture(scope="module")
def html_errors(vnu, demo_site, tmp_path_factory):
    """Each public page's errors, by page name: one run of the checker over all of them."""
    folder = tmp_path_factory.mktemp("html")
    for name, path in READER_PAGES.items():
        (folder / f"{name}.html").write_bytes(fetch(demo_site.page_url(path)))
    errors = {name: [] for name in READER_PAGES}
    for message in vnu(*sorted(str(file) for file in folder.iterdir())):
        name = message["url"].rsplit("/", 1)[-1].removesuffix(".html")
        errors[name].append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


@pytest.mark.parametrize("name", READER_PAGES)
def test_page_html_is_valid(html_errors, name):
    assert html_errors[name] == []


def test_stylesheet_has_no_css_errors(vnu):
    errors = vnu("--css", str(STYLESHEET))
    assert [f"line {error.get('lastLine')}: {error['message']}" for error in errors] == []
