"""CPU time a page costs Django and the site, its WSGI handler called in-process.

No server, no socket, no load generator: what a change to the site's code saves shows apart from
gunicorn's and the kernel's share, which the site benchmark (bench/site_bench.py) measures with
them. On a data set that benchmark prepared, with its settings (DEBUG off, Redis when it answers,
the page cache on or off) and a browser's headers, as bench/rotate.lua sends them, it asks for
the page's addresses once (fragments and, when on, the page cache fill), then times the process's
CPU over --requests requests rotating over them, --repeats times, and prints the lowest and each.
The ceiling's own Django part, for scale: `--ceiling`. `--profile` prints cProfile's top functions
over one more round.

    python bench/in_process.py --engine postgresql --posts 1000 --cache on post
    python bench/in_process.py --ceiling
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from urllib.parse import unquote

from databases import PROJECT
from site_bench import BROWSER, PAGES, page_urls, redis_answers, site_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", choices=PAGES, default="post")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1_000, help="A size the benchmark loaded.")
    parser.add_argument("--cache", choices=["off", "on"], default="on", help="Page cache.")
    parser.add_argument("--ceiling", action="store_true", help="bench/ceiling.py instead.")
    parser.add_argument("--requests", type=int, default=4_000)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, str(PROJECT))
    if options.ceiling:
        from bench.ceiling import application

        what, addresses = "ceiling", ["/"]
    else:
        redis = redis_answers()
        os.environ.update(site_env(options.engine, options.posts, redis, options.cache == "on"))
        import django

        django.setup()
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        addresses = page_urls()[0][options.page]
        cache = f"page cache {options.cache}, {'Redis' if redis else 'local memory'}"
        what = f"{options.page} ({options.engine}, {options.posts:,} posts, {cache})"
    environs = [environ(address) for address in addresses]
    for each in environs:
        status = serve(application, each)
        if not status.startswith(("200", "304")):
            sys.exit(f"{what}: {each['PATH_INFO']} answered {status}: is the data set loaded?")
    timings = [
        timed(application, environs, options.requests) * 1000 for _ in range(options.repeats)
    ]
    print(
        f"{what}: {min(timings):.4f} ms of CPU a request, the lowest of {options.repeats} × "
        f"{options.requests:,} (each: {', '.join(f'{t:.4f}' for t in timings)})"
    )
    if options.profile:
        profile = cProfile.Profile()
        profile.runcall(timed, application, environs, options.requests)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def environ(address: str) -> dict:
    """A GET of `address` (as the site writes it, percent-encoded) as gunicorn hands it over."""
    path, _, query = address.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        # WSGI's strings are the request's bytes decoded as Latin-1.
        "PATH_INFO": unquote(path).encode().decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": BROWSER,
        "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def serve(application, base: dict) -> str:
    """Serves one request as a WSGI server would, to the end of its body; its status."""
    started = []
    response = application(
        {**base, "wsgi.input": io.BytesIO()}, lambda status, headers: started.append(status)
    )
    for _ in response:
        pass
    response.close()
    return started[0]


def timed(application, environs: list[dict], requests: int) -> float:
    """Seconds of this process's CPU a request, over `requests` rotating over `environs`."""
    started = time.process_time()
    for number in range(requests):
        serve(application, environs[number % len(environs)])
    return (time.process_time() - started) / requests


if __name__ == "__main__":
    main()
