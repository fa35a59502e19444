import functools
import hashlib
from http.cookies import Morsel

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware import http
from django.utils.encoding import escape_uri_path

from blog import view_counts
from blog.page_cache import set_etag
from blog.views import health

VIEWED_COOKIE = "viewed"
# Words in the User-Agent of clients that are not readers, in lower case. Looked for one by
# one (a case-insensitive regular expression of them took 30 µs for a browser's, these 4),
# once per User-Agent (see is_a_reader).
NOT_A_READER = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "fetch",
    "scan",
    "monitor",
    "lighthouse",
    "headless",
    "facebookexternalhit",
    "embedly",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "httpx",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
]
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


class HealthCheckMiddleware:
    """Answers /healthz before the host is checked: load balancers probe by IP address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return health(request)
        return self.get_response(request)


class PolicyHeadersMiddleware:
    """The Content-Security-Policy and Permissions-Policy headers, each built once per process.

    django-csp's own middleware rebuilds the policy from the settings on every response, a
    third of the CPU of a page-cache hit; no view here varies the policy or uses a nonce, so
    its builder runs once. Django ships no Permissions-Policy header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.content_security_policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        # As django-csp does: Django's debug error pages need inline styles and scripts.
        if not (settings.DEBUG and response.status_code in (404, 500)):
            response.setdefault(CSP_HEADER, self.content_security_policy)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte is never valid in a path or query, and PostgreSQL refuses it with an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parts = [request.path, *(v for _, values in request.GET.lists() for v in values)]
        if any("\x00" in part for part in parts):
            return HttpResponseBadRequest("Bad request: the address contains a NUL byte.")
        return self.get_response(request)


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's, keeping the post page's mark of a read on the 304 it makes instead: a
    revalidated post page is a read, whether or not it came from the page cache. Its ETag is
    the page cache's (page_cache.set_etag), cheaper than Django's."""

    def process_response(self, request, response):
        needs_etag = not response.has_header("ETag") and self.needs_etag(response)
        if request.method == "GET" and needs_etag:
            set_etag(response)
        conditional = super().process_response(request, response)
        conditional.post_read = getattr(response, "post_read", None)
        return conditional


class ViewCountMiddleware:
    """Counts reads of published posts.

    A layer of its own, placed before any page cache, so that a cached page is
    still counted; the dedupe cookie is added to the outgoing response, after
    a cache would have stored it, and scoped to the post's path.

    The cookie holds the post's key, unsigned: all a made-up or replayed one can do is keep
    reads from counting (its sender's own, or those of a reader a sibling site tossed it to),
    never add any. Its half hour is the browser's to keep (Max-Age); signing it took 2.5% of a
    worker's time serving cached post pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Set by the post page, and kept with it in the page cache.
        slug = getattr(response, "post_read", None)
        # A 304 is a read too: the browser shows the page it revalidated.
        if not slug or response.status_code not in (200, 304) or not self._is_a_read(request):
            return response
        cookie = viewed_cookie(
            slug,
            request.path,
            settings.SESSION_COOKIE_SECURE,
            settings.VIEW_COUNT_COOKIE_MAX_AGE,
        )
        if request.COOKIES.get(VIEWED_COOKIE) == cookie.value:
            # Not renewed: the 30 minutes run from the read that counted.
            return response
        view_counts.count_read(slug)
        # A copy: a test client's cookie jar changes the cookies it is given.
        response.cookies[VIEWED_COOKIE] = cookie.copy()
        return response

    @staticmethod
    def _is_a_read(request):
        if request.method != "GET":
            return False
        if not is_a_reader(request.META.get("HTTP_USER_AGENT", "")):
            return False
        return not any(
            "prefetch" in request.META.get(header, "").lower() for header in PREFETCH_HEADERS
        )


@functools.lru_cache(maxsize=1024)
def is_a_reader(user_agent: str) -> bool:
    """Whether a client with this User-Agent is a reader, not a bot or a tool. Remembered:
    readers' browsers send a few dozen User-Agents, and looking for every word took 2% of a
    cached post page."""
    user_agent = user_agent.lower()
    return bool(user_agent.strip()) and not any(word in user_agent for word in NOT_A_READER)


@functools.lru_cache(maxsize=4096)
def viewed_cookie(slug: str, path: str, secure: bool, max_age: int) -> Morsel:
    """The cookie marking a read of the post `slug`, made once per post: Django's set_cookie,
    with the Expires date it works out from max_age, took 7% of a cached post page.
    Without Expires, the cookie is the same for every read of the post; every browser in use
    honours Max-Age. Shared by every read: copied before it is sent."""
    response = HttpResponse()
    response.set_cookie(
        VIEWED_COOKIE,
        hashlib.blake2b(slug.encode(), digest_size=8).hexdigest(),
        # Headers are Latin-1: a non-ASCII path must be sent percent-encoded.
        path=escape_uri_path(path),
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    cookie = response.cookies[VIEWED_COOKIE]
    cookie["max-age"] = max_age
    return cookie
