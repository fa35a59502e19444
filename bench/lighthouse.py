"""Lighthouse scores of the home page and a post page, phone and desktop: `make lighthouse`.

Serves a fresh demo site with gunicorn (the one the browser tests use, on SQLite unless
DATABASE_URL says otherwise) and runs Lighthouse 12 from npm in Debian's chromium, once per
page and form factor. Writes bench/results/lighthouse.json and prints a Markdown table for the
README. A measurement, not a test: scores move a little with the machine's load.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RESULTS = PROJECT / "bench" / "results" / "lighthouse.json"


def lighthouse(url: str, form_factor: str, flags: list[str], report: Path) -> dict[str, int]:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(flags)}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    pages = {"home": "/", "post": READER_PAGES["post"]}
    rows = []
    with tempfile.TemporaryDirectory() as folder, serve_demo_site(Path(folder)) as site:
        for name, path in pages.items():
            for form_factor in ("mobile", "desktop"):
                report = Path(folder) / f"{name}-{form_factor}.json"
                scores = lighthouse(site.page_url(path), form_factor, CHROMIUM_FLAGS, report)
                rows.append({"page": name, "path": path, "form_factor": form_factor, **scores})
                print(f"{name} {form_factor}: {scores}", flush=True)
    RESULTS.write_text(json.dumps({"lighthouse": LIGHTHOUSE, "runs": rows}, indent=2) + "\n")
    print("\n| Page | Form factor | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---:|" * len(CATEGORIES))
    for row in rows:
        scores = " | ".join(str(row[name]) for name in CATEGORIES)
        print(f"| {row['page']} (`{row['path']}`) | {row['form_factor']} | {scores} |")


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS, READER_PAGES, serve_demo_site

    main()
