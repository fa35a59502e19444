"""Search latency at scale, on SQLite and PostgreSQL: `make bench-search`.

For each engine and archive size this loads synthetic posts (generate_posts,
kept between runs in bench/.data or a PostgreSQL database per size), then
times the search page as a reader gets it (the view, ranking, highlighting and
template, through Django's test client; the page cache and the rate limit
off) for fixed query sets grouped by how many posts they match. It reports
p50 and p95 per group with the measured share of matching posts, and writes
bench/results/search.json and search.md.

Each (engine, size) runs in its own process because Django's settings are
fixed once a process has loaded them.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from databases import (
    DATA,
    POSTGRES_SERVER,
    PROJECT,
    RESULTS,
    create_database_once,
    database_url,
    postgres_answers,
)

# Query sets, each expected to match a share of posts; the report shows the measured share.
QUERIES = {
    "rare (<1%)": ["archaeology", "podcast", "photography", "cricket", "compost"],
    "medium (1-10%)": ["quasar", "telescope", "ballot", "enzyme", "treaty"],
    "common (>30%)": ["election", "people", "year", "market"],
    "two words": ["galaxy telescope", "election budget", "river library"],
    "three words": ["government budget election", "people year market", "city water house"],
    "phrase": ['"open source"', '"local election"', '"the river"'],
}
TARGETS_MS = {"common (>30%)": 150}
DEFAULT_TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=10, help="Timed runs of each query.")
    parser.add_argument(
        "--worker", nargs=3, metavar=("ENGINE", "SIZE", "RUNS"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.worker:
        engine, size, runs = options.worker
        print(json.dumps(measure(engine, int(size), int(runs))))
        return
    # Earlier figures for the engines and sizes not run this time are kept in the report.
    rows = [
        row
        for row in previous_rows()
        if row["engine"] not in options.engines or row["posts"] not in options.sizes
    ]
    for engine in options.engines:
        if engine == "postgresql" and not postgres_answers():
            print(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: skipped", file=sys.stderr)
            continue
        for size in options.sizes:
            print(f"{engine}, {size:,} posts ...", file=sys.stderr, flush=True)
            result = subprocess.run(
                [sys.executable, __file__, "--worker", engine, str(size), str(options.runs)],
                cwd=PROJECT,
                env={**os.environ, "DATABASE_URL": database_url(engine, size)},
                capture_output=True,
                text=True,
            )
            if result.returncode:
                print(f"  failed:\n{result.stderr[-3000:]}", file=sys.stderr)
                continue
            rows.extend(json.loads(result.stdout.splitlines()[-1]))
            write_report(rows)  # after each run, so a later failure keeps what was measured


def measure(engine: str, size: int, runs: int) -> list[dict]:
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The site bench's collected static files: pages name them through the manifest.
    os.environ.update(
        PAGE_CACHE_SECONDS="0", SEARCH_RATE_LIMIT="0", STATIC_ROOT=str(DATA / "static")
    )
    if engine == "postgresql":
        create_database_once(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from blog.models import Post
    from blog.synthetic import generate_posts

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    missing = size - Post.objects.count()
    if missing > 0:
        print(f"  generating {missing:,} posts", file=sys.stderr, flush=True)
        generate_posts(missing)
    published = Post.objects.published().count()
    client = Client(HTTP_HOST="127.0.0.1")
    # Wall-clock figures on a shared machine mean little without the load they ran under.
    load = os.getloadavg()[0]
    rows = []
    for group, queries in QUERIES.items():
        timings, shares = [], []
        for query in queries:
            client.get("/search/", {"q": query})  # warm caches of the database and the OS
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get("/search/", {"q": query})
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            shares.append(match_count(query) / published)
        rows.append(
            {
                "engine": engine,
                "posts": size,
                "group": group,
                "queries": queries,
                "matching_share": statistics.mean(shares),
                "p50_ms": statistics.median(timings),
                "p95_ms": statistics.quantiles(timings, n=20)[-1],
                "target_ms": TARGETS_MS.get(group, DEFAULT_TARGET_MS),
                "load_average": load,
            }
        )
    return rows


def match_count(text: str) -> int:
    """How many posts match, counted without the result bound the site applies."""
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection

    from blog.models import PostSearch
    from blog.search import parse, postgres, sqlite

    query = parse(text)
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(
            postgres.tsquery_text(query), search_type="raw", config=postgres.CONFIG
        )
        return PostSearch.objects.filter(document=tsquery).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM blog_post_fts WHERE blog_post_fts MATCH %s",
            [sqlite.match_expression(query)],
        )
        return cursor.fetchone()[0]


def previous_rows() -> list[dict]:
    try:
        return json.loads((RESULTS / "search.json").read_text())["rows"]
    except FileNotFoundError:
        return []


def write_report(rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda row: (row["engine"] != "sqlite", row["posts"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    (RESULTS / "search.json").write_text(
        json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n"
    )
    lines = [
        "| engine | posts | queries | matching | p50 ms | p95 ms | target p95 | met | load |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        met = "yes" if row["p95_ms"] <= row["target_ms"] else "**no**"
        lines.append(
            f"| {row['engine']} | {row['posts']:,} | {row['group']} | "
            f"{row['matching_share']:.1%} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['target_ms']} | {met} | {row.get('load_average', float('nan')):.1f} |"
        )
    lines.append(
        f"\n{machine['cpus']} CPUs; load: the load average when that engine and size began,"
        f" {machine['load_average'][0]:.1f} when written."
    )
    table = "\n".join(lines) + "\n"
    (RESULTS / "search.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
