"""Every public page against Django's own ceiling, at 1,000 to 100,000 posts: `make bench`.

For each engine (SQLite; PostgreSQL when it answers) and archive size this
1. loads N synthetic posts with generate_posts (kept between runs and shared with the search
   benchmark: bench/.data/posts-N.sqlite3, or the PostgreSQL database bench_posts_N) and
   measures the SQL queries of each page with Django's test client (page cache off, fragment
   caches warm);
2. starts the ceiling (bench/ceiling.py) and then the site, each with the production gunicorn
   configuration (config/gunicorn.conf.py) on a loopback port, DEBUG off, 2 sync workers (the
   ceiling before each of the site's servers and after the last: each server's pages are
   compared with the mean of the two measurements around them);
3. drives each page with wrk (installed with apt-get when missing) at 16 and 64 connections:
   home, post (rotating over 200 posts; views are counted), category, tag, search (rotating
   over 50 queries), RSS feed and sitemap; once with the page cache off and once on (Redis
   when it answers, else the local-memory cache);
4. checks that the views counted in the database equal the post pages served, and records
   the peak RSS of each worker and the post page's time to first byte with one client.

It prints one table and writes bench/results/site.json and site.md. Requests per second are
compared as ratios to the ceiling measured in the same run: absolute figures on a shared
machine drift, so the load average is recorded too.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from databases import (
    DATA,
    POSTGRES_SERVER,
    PROJECT,
    RESULTS,
    create_database_once,
    database_url,
    postgres_answers,
)

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
PAGES = ["home", "post", "category", "tag", "search", "rss", "sitemap"]
WORKERS = 2
POST_URLS = 200
SEARCH_QUERIES = 50

# Targets, each a ratio to the ceiling's requests per second in the same run.
CACHED_TARGET = 0.7
CACHED_PAGES = {"home", "post", "category", "tag", "rss"}
UNCACHED_TARGETS = {"post": 0.25, "home": 0.2, "category": 0.2, "tag": 0.2}
FLAT_TOLERANCE = 0.15
RSS_TARGET_MB = 120
TTFB_TARGET_MS = 20
QUERY_BUDGETS = {"post": 4, "home": 5, "category": 5, "tag": 5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page.")
    parser.add_argument(
        "--cache", nargs="+", choices=["off", "on"], default=["off", "on"], help="Page cache."
    )
    parser.add_argument("--prepare", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        engine, size = options.prepare
        print(json.dumps(prepare(engine, int(size))))
        return
    wrk = ensure_wrk()
    redis = redis_answers()
    runs = load_previous_runs()
    for engine in options.engines:
        if engine == "postgresql" and not postgres_answers():
            print(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: skipped", file=sys.stderr)
            continue
        for size in options.sizes:
            print(f"== {engine}, {size:,} posts", file=sys.stderr, flush=True)
            run = bench_one(wrk, engine, size, options, redis)
            runs = [r for r in runs if (r["engine"], r["posts"]) != (engine, size)] + [run]
            write_report(runs)  # after each run, so a later failure keeps what was measured


# Preparing the data (in a subprocess: Django's settings are fixed once loaded) -------------


def prepare(engine: str, size: int) -> dict:
    """Load the posts, list the addresses to rotate over and count each page's queries."""
    sys.path.insert(0, str(PROJECT))
    if engine == "postgresql":
        create_database_once(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from blog.models import Post
    from blog.synthetic import generate_posts

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    missing = size - Post.objects.count()
    if missing > 0:
        print(f"  generating {missing:,} posts", file=sys.stderr, flush=True)
        generate_posts(missing, progress=lambda done, total: None)
    urls, published = page_urls()
    # Keep the connection across requests, as the test suite does, to see every query.
    from django.core import signals

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1", headers={"User-Agent": BROWSER})
    queries = {}
    for page, addresses in urls.items():
        client.get(addresses[0])  # fills the fragment caches
        client.cookies.clear()  # so the post page's view is counted again
        with CaptureQueriesContext(connection) as captured:
            response = client.get(addresses[0])
        assert response.status_code == 200, (page, addresses[0], response.status_code)
        statements = [query["sql"].lstrip().upper() for query in captured.captured_queries]
        reads = sum(statement.startswith("SELECT") for statement in statements)
        queries[page] = {"reads": reads, "writes": len(statements) - reads}
    return {"urls": urls, "queries": queries, "published": published}


def page_urls() -> tuple[dict, int]:
    """The addresses of each page to rotate over (Django set up), and the published posts."""
    from blog.models import Category, Post, Tag

    published = Post.objects.published()
    ids = list(published.order_by("pk").values_list("pk", flat=True))
    chosen = ids[:: max(1, len(ids) // POST_URLS)][:POST_URLS]
    posts = list(published.filter(pk__in=chosen).only("slug", "title").order_by("pk"))
    urls = {
        "home": ["/"],
        "post": [post.get_absolute_url() for post in posts],
        "category": [category.get_absolute_url() for category in Category.objects.in_use()],
        "tag": [tag.get_absolute_url() for tag in Tag.objects.popular()[:50]],
        "search": [f"/search/?q={quote(word)}" for word in search_words(posts)],
        "rss": ["/feed/"],
        "sitemap": ["/sitemap.xml"],
    }
    return urls, len(ids)


def search_words(posts) -> list[str]:
    """Up to 50 distinct words of six letters or more from the chosen posts' titles."""
    words = []
    for post in posts:
        for word in re.findall(r"[a-z]{6,}", post.title.lower()):
            if word not in words:
                words.append(word)
    return words[:SEARCH_QUERIES]


def total_views(engine: str, size: int) -> int:
    if engine == "sqlite":
        path = database_url(engine, size).removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT SUM(view_count) FROM blog_post").fetchone()[0]
    import psycopg

    with psycopg.connect(database_url(engine, size)) as connection:
        # PostgreSQL sums a bigint column as a numeric (a Decimal).
        return int(connection.execute("SELECT SUM(view_count) FROM blog_post").fetchone()[0])


# One engine and size ------------------------------------------------------------------------


def bench_one(wrk: str, engine: str, size: int, options, redis: bool) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    prepare_env = site_env(engine, size, redis, page_cache=False)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare", engine, str(size)],
        cwd=PROJECT,
        env=prepare_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if prepared.returncode:
        sys.exit(f"Preparing {engine} at {size:,} posts failed (see above)")
    prepared = json.loads(prepared.stdout.splitlines()[-1])
    for page, addresses in prepared["urls"].items():
        (DATA / f"paths-{page}.txt").write_text("\n".join(addresses) + "\n")
    run = {
        "engine": engine,
        "posts": size,
        "published": prepared["published"],
        "cache_backend": "redis" if redis else "locmem",
        "duration_s": options.duration,
        "load_average_before": os.getloadavg(),
        "queries": prepared["queries"],
        "rows": [],
        "servers": {},
    }
    # The ceiling is measured before each of the site's servers and after the last; each
    # server's pages are compared with the mean of the two measurements around them: a
    # 5-second run of the ceiling drifted by 15% between runs on the same machine.
    ceilings = [measure_ceiling(wrk, prepare_env, options, 1)]
    for mode in options.cache:
        env = site_env(engine, size, redis, page_cache=mode == "on")
        views_before = total_views(engine, size)
        with Server(["config.wsgi"], env, f"site-{mode}") as site:
            warm_up(site.port, prepared["urls"])
            rows = []
            for page in PAGES:
                for connections in options.connections:
                    result = load(wrk, site.port, page, connections, options)
                    result.update(page=page, cache=mode, connections=connections)
                    rows.append(result)
                    print(
                        f"  cache {mode}, {page}, {connections} connections: "
                        f"{result['rps']:,.0f} req/s",
                        file=sys.stderr,
                        flush=True,
                    )
            ttfb = time_to_first_byte(site.port, prepared["urls"]["post"])
            rss = site.peak_rss_mb()
        ceilings.append(measure_ceiling(wrk, prepare_env, options, len(ceilings) + 1))
        for row in rows:
            around = [ceiling[row["connections"]]["rps"] for ceiling in ceilings[-2:]]
            row["ceiling_rps"] = sum(around) / len(around)
            row["ratio"] = row["rps"] / row["ceiling_rps"] if row["ceiling_rps"] else 0
        run["rows"] += rows
        # With Redis, the reads of the last few seconds wait there (blog/view_counts.py).
        subprocess.run(
            [sys.executable, "manage.py", "flush_view_counts"],
            cwd=PROJECT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        served = count_served_posts(site.log)
        counted = total_views(engine, size) - views_before
        run["servers"][mode] = {
            "ttfb_p50_ms": ttfb,
            "peak_rss_mb": rss,
            "post_pages_served": served,
            "views_counted": counted,
            "views_exact": served == counted,
        }
    run["ceiling"] = {
        connections: mean_of([ceiling[connections] for ceiling in ceilings])
        for connections in options.connections
    }
    run["load_average_after"] = os.getloadavg()
    return run


def measure_ceiling(wrk: str, env: dict, options, number: int) -> dict:
    """The ceiling's load results at each connection count."""
    results = {}
    with Server(["bench.ceiling:application"], env, f"ceiling-{number}") as ceiling:
        for connections in options.connections:
            results[connections] = load(wrk, ceiling.port, "ceiling", connections, options)
            print(
                f"  ceiling, {connections} connections: {results[connections]['rps']:,.0f} req/s",
                file=sys.stderr,
                flush=True,
            )
    return results


def mean_of(results: list[dict]) -> dict:
    """The ceiling's measurements of a run, averaged (p50 and p99 too; errors added up); each
    one's requests per second kept under "measured"."""
    return {
        name: sum(result[name] for result in results) / len(results)
        for name in ("rps", "requests", "p50_ms", "p99_ms")
    } | {
        "errors": sum(result["errors"] for result in results),
        "measured": [result["rps"] for result in results],
    }


def site_env(engine: str, size: int, redis: bool, page_cache: bool) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(engine, size),
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings" if redis else "bench.locmem_settings",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_THREADS": "1",
        "PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        # All the load comes from one address.
        "SEARCH_RATE_LIMIT": "0",
        "STATIC_ROOT": str(DATA / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT),
    }
    if redis:
        # A prefix of its own per run: nothing cached by an earlier run is served.
        env["REDIS_URL"] = REDIS_URL
        env["CACHE_KEY_PREFIX"] = f"bench-site-{engine}-{size}-{time.time_ns()}"
    else:
        env.pop("REDIS_URL", None)
    return env


class Server:
    """gunicorn with the site's configuration on a free loopback port, logging to a file."""

    def __init__(self, app: list[str], env: dict, name: str):
        self.port = free_port()
        self.log = DATA / "logs" / f"{name}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.command = [
            str(BIN / "gunicorn"),
            *app,
            "--config",
            str(PROJECT / "config" / "gunicorn.conf.py"),
        ]
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}

    def __enter__(self):
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            self.command, cwd=PROJECT, env=self.env, stdout=self.log_file, stderr=self.log_file
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited: see {self.log}")
            try:
                status, _ = get(self.port, "/healthz" if "config.wsgi" in self.command else "/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        sys.exit(f"gunicorn did not answer within a minute: see {self.log}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log_file.close()

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM), in MB."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        peaks = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return peaks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, connection=None) -> tuple[int, float]:
    """(status, seconds to the first byte of the response) of one GET."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"User-Agent": BROWSER})
    response = connection.getresponse()
    first_byte = time.perf_counter() - started
    response.read()
    if own:
        connection.close()
    return response.status, first_byte


def warm_up(port: int, urls: dict) -> None:
    """Every address once: fills the fragment caches and, when on, the page cache."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for addresses in urls.values():
        for address in addresses:
            get(port, address, connection)
    connection.close()


def time_to_first_byte(port: int, posts: list[str]) -> float:
    """Median time to the first byte of the post page, one client on one connection, in ms."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    timings = [get(port, post, connection)[1] * 1000 for post in posts]
    connection.close()
    return statistics.median(timings)


def count_served_posts(log: Path) -> int:
    """Post pages answered 200 to a GET, from the access log: each one a view to count."""
    served = re.compile(r'"GET /posts/[^ ]+ HTTP/1\.[01]" 200 ')
    with log.open() as lines:
        return sum(1 for line in lines if served.search(line))


# Load ---------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    print("Installing wrk (apt-get) ...", file=sys.stderr, flush=True)
    apt = ["apt-get", "install", "-y", "-qq", "wrk"]
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run([*sudo, *apt], env=environment).returncode:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], env=environment, check=True)
        subprocess.run([*sudo, *apt], env=environment, check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def load(wrk: str, port: int, page: str, connections: int, options) -> dict:
    """wrk against one page (its addresses from bench/.data/paths-PAGE.txt) for the duration."""
    paths = DATA / f"paths-{page}.txt"
    if page == "ceiling":
        paths.write_text("/\n")
    output = subprocess.run(
        [
            wrk,
            f"--threads={min(2, connections)}",
            f"--connections={connections}",
            f"--duration={options.duration}s",
            "--timeout=10s",
            "--latency",
            f"--script={PROJECT / 'bench' / 'rotate.lua'}",
            f"http://127.0.0.1:{port}",
            "--",
            str(paths),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    drain(port)
    return parse_wrk(output)


def drain(port: int) -> None:
    """Wait until the workers have answered what wrk left queued when it stopped.

    Slow pages leave requests in the listen queue; the next measurement must not pay for them.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/robots.txt", headers={"User-Agent": BROWSER})
    connection.getresponse().read()
    connection.close()


def parse_wrk(output: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(number(r"Non-2xx or 3xx responses: (\d+)"))
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "p50_ms": latency(output, "50%"),
        "p99_ms": latency(output, "99%"),
        "errors": errors,
    }


def latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        return 0.0
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


# Report -------------------------------------------------------------------------------------


def load_previous_runs() -> list[dict]:
    """Earlier runs of other engines and sizes stay in the report until measured again."""
    try:
        return json.loads((RESULTS / "site.json").read_text())["runs"]
    except (FileNotFoundError, KeyError, json.JSONDecodeError):
        return []


def targets(runs: list[dict]) -> list[tuple[str, str, str]]:
    """(target, measured, met) for every target the runs can tell."""
    checks = []
    for run in runs:
        where = f"{run['engine']}, {run['posts']:,} posts"
        for row in run["rows"]:
            goal = None
            if row["cache"] == "on" and row["page"] in CACHED_PAGES:
                goal = CACHED_TARGET
            elif row["cache"] == "off" and row["page"] in UNCACHED_TARGETS:
                goal = UNCACHED_TARGETS[row["page"]]
            if goal is not None:
                checks.append(
                    (
                        f"{where}: {row['page']}, page cache {row['cache']}, "
                        f"{row['connections']} connections, ratio to ceiling ≥ {goal}",
                        f"{row['ratio']:.2f}",
                        row["ratio"] >= goal,
                    )
                )
        for page, budget in QUERY_BUDGETS.items():
            queries = run["queries"][page]
            extra = " plus the view writes" if page == "post" else ""
            checks.append(
                (
                    f"{where}: SQL queries of {page} ≤ {budget}{extra}",
                    sql_count(queries),
                    queries["reads"] <= budget,
                )
            )
        for mode, server in run["servers"].items():
            checks.append(
                (
                    f"{where}: views counted = post pages served (page cache {mode})",
                    f"{server['views_counted']:,} / {server['post_pages_served']:,}",
                    server["views_exact"],
                )
            )
            checks.append(
                (
                    f"{where}: post page time to first byte p50 < {TTFB_TARGET_MS} ms "
                    f"(page cache {mode})",
                    f"{server['ttfb_p50_ms']:.1f} ms",
                    server["ttfb_p50_ms"] < TTFB_TARGET_MS,
                )
            )
            if run["posts"] >= 100_000:
                peak = max(server["peak_rss_mb"])
                checks.append(
                    (
                        f"{where}: peak RSS per worker < {RSS_TARGET_MB} MB (page cache {mode})",
                        f"{peak:.0f} MB",
                        peak < RSS_TARGET_MB,
                    )
                )
    by_key = {
        (run["engine"], run["posts"], row["page"], row["cache"], row["connections"]): row
        for run in runs
        for row in run["rows"]
    }
    smallest = {}
    for engine, posts, *_ in by_key:
        smallest[engine] = min(posts, smallest.get(engine, posts))
    for (engine, posts, page, cache, connections), row in sorted(by_key.items()):
        base = by_key.get((engine, smallest[engine], page, cache, connections))
        if posts == smallest[engine] or not base or not base["ratio"] or page == "search":
            continue
        # Ratios to each run's own ceiling: the machine's load differs between the runs.
        change = row["ratio"] / base["ratio"] - 1
        checks.append(
            (
                f"{engine}: {page}, page cache {cache}, {connections} connections, ratio at "
                f"{posts:,} posts within {FLAT_TOLERANCE:.0%} of {smallest[engine]:,}",
                f"{change:+.0%}",
                change >= -FLAT_TOLERANCE,
            )
        )
    return checks


def sql_count(queries: dict) -> str:
    """Reads, plus writes when there are any ("3+1": the post page and its view counter)."""
    return f"{queries['reads']}+{queries['writes']}" if queries["writes"] else str(queries["reads"])


def summary(runs: list[dict]) -> list[str]:
    """Ratio to the ceiling of each page, page cache off and on, at each connection count."""
    columns = sorted({(row["cache"], row["connections"]) for run in runs for row in run["rows"]})
    lines = [
        "| engine | posts | page | SQL | "
        + " | ".join(f"cache {cache}, {conns} conns" for cache, conns in columns)
        + " |",
        "| --- | ---: | --- | ---: |" + " ---: |" * len(columns),
    ]
    for run in runs:
        ratios = {(r["page"], r["cache"], r["connections"]): r["ratio"] for r in run["rows"]}
        for page in PAGES:
            cells = [
                f"{ratios[(page, *column)]:.2f}" if (page, *column) in ratios else ""
                for column in columns
            ]
            lines.append(
                f"| {run['engine']} | {run['posts']:,} | {page} | "
                f"{sql_count(run['queries'][page])} | " + " | ".join(cells) + " |"
            )
    return lines


def write_report(runs: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    (RESULTS / "site.json").write_text(
        json.dumps({"machine": machine, "runs": runs}, indent=2) + "\n"
    )
    lines = summary(runs) + [
        "",
        "| engine | posts | page cache | page | conns | req/s | p50 ms | p99 ms | errors "
        "| ratio | SQL |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        for connections, ceiling in run["ceiling"].items():
            lines.append(
                f"| {run['engine']} | {run['posts']:,} | | **ceiling** | {connections} | "
                f"{ceiling['rps']:,.0f} | {ceiling['p50_ms']:.1f} | {ceiling['p99_ms']:.1f} | "
                f"{ceiling['errors']} | 1.00 | 0 |"
            )
        for row in run["rows"]:
            lines.append(
                f"| {run['engine']} | {run['posts']:,} | {row['cache']} | {row['page']} | "
                f"{row['connections']} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | "
                f"{row['p99_ms']:.1f} | {row['errors']} | {row['ratio']:.2f} | "
                f"{sql_count(run['queries'][row['page']])} |"
            )
    lines += [
        "",
        "| engine | posts | page cache | cache backend | peak RSS per worker | TTFB p50 (post, "
        "1 client) | views counted / post pages served | load average before, after |",
        "| --- | ---: | --- | --- | --- | ---: | --- | --- |",
    ]
    for run in runs:
        for mode, server in run["servers"].items():
            rss = ", ".join(f"{mb:.0f} MB" for mb in server["peak_rss_mb"])
            loads = f"{run['load_average_before'][0]:.1f}, {run['load_average_after'][0]:.1f}"
            lines.append(
                f"| {run['engine']} | {run['posts']:,} | {mode} | {run['cache_backend']} | "
                f"{rss} | {server['ttfb_p50_ms']:.1f} ms | {server['views_counted']:,} / "
                f"{server['post_pages_served']:,} | {loads} |"
            )
    lines += ["", "| target | measured | met |", "| --- | ---: | --- |"]
    for target, measured, met in targets(runs):
        verdict = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {target} | {measured} | {verdict} |")
    lines.append(
        f"\n{machine['cpus']} CPUs, {WORKERS} sync gunicorn workers, "
        f"load average {machine['load_average'][0]:.1f} when written."
    )
    table = "\n".join(lines) + "\n"
    (RESULTS / "site.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
