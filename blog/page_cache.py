"""Whole public pages for anonymous readers, served from the cache.

Each entry carries the content version (blog.content_version) it was rendered in, and is read
in the same cache round trip as the version in force: any editorial change is visible on the
next request. Entries live PAGE_CACHE_SECONDS: a view count shown on a cached page lags at most
that much more than on a page rendered now. Browsers are told to revalidate every time
(max-age=0) and get a 304 through the ETag when nothing changed, instead of keeping stale
copies. An entry is compressed once, when stored, and served compressed to clients that accept
gzip (every browser and feed reader): sending a 20-160 KB page cost more than finding it. With
Redis, each worker thread keeps the entries it read lately decoded (blog.near_cache), and each
hit serves a copy of the stored response: unpickling one took longer than the rest of the hit's
work in this module. Pages are served as plain HttpResponses, stored or not (a redirect has its
Location header, not HttpResponseRedirect's `url`).

The middleware sits near the top of the stack so that a hit skips everything below it;
the headers those layers add (security, CSP, frame options) are stored with the page. The
settings behind them are part of the key, so a deploy that changes them is not answered
with pages cached before.
"""

import dataclasses
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.http.cookie import SimpleCookie
from django.http.response import ResponseHeaders
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.text import compress_string

from blog import content_version
from blog.cache_backends import Shared

CACHEABLE_STATUSES = {200, 301, 404, 410}
# As Django's GZipMiddleware: shorter bodies are not worth compressing, and a little random
# padding in the gzip header makes the compressed size a poorer guide to the content (BREACH).
COMPRESS_AT_LEAST = 200
GZIP_RANDOM_BYTES = 100
# Headers describing the body, which a 304 (or 412) does not carry.
REPRESENTATION_HEADERS = {"Content-Type", "Content-Length", "Content-Language", "Content-Encoding"}
# Settings that shape the headers stored with a page (with DEBUG on, 404s go without a CSP).
HEADER_SETTINGS = (
    "SECURE_",
    "CONTENT_SECURITY_POLICY",
    "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY",
    "DEBUG",
)
# Part of the key: workers of the old and the new code, side by side during a deploy, never
# read each other's entries when their shape changes.
ENTRY_FORMAT = 2
# Addresses whose keys a worker remembers (PageCacheMiddleware._key), and the longest (its URL,
# percent-encoded): 0.4 MB for a blog's addresses, 1.5 MB at most. Past that it starts afresh: a
# crawler walking every address costs what it did before.
KEYS_KEPT = 1024
ADDRESS_KEPT_AT_MOST = 1000


def set_etag(response) -> None:
    """A strong ETag for a response with a body: a SHA-1 of the body, not Django's MD5
    (set_response_etag). Hashing a 21 KB post page took 31 µs with MD5, 6% of rendering it, and
    10 µs with SHA-1, faster in software and in hardware on most x86 and ARM processors."""
    if not response.streaming and response.content:
        digest = hashlib.sha1(response.content, usedforsecurity=False).hexdigest()
        response.headers["ETag"] = quote_etag(digest)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.keys = {}
        shaping = sorted(name for name in dir(settings) if name.startswith(HEADER_SETTINGS))
        self.headers_digest = hashlib.sha256(
            repr([(name, getattr(settings, name)) for name in shaping]).encode()
        ).hexdigest()[:16]

    def __call__(self, request):
        if not self._is_cacheable_request(request):
            return self.get_response(request)
        try:
            key = self._key(request)
        except DisallowedHost:
            # Refused below (CommonMiddleware), so that the 400 carries the security headers.
            return self.get_response(request)
        found = cache.get_many([content_version.STATE_KEY, key])
        version = content_version.in_force(found.get(content_version.STATE_KEY))
        page = found.get(key)
        if page is not None and page.version == version:
            response = page.response_for(request)
            if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
                response = self._conditional(request, response)
        else:
            response = self.get_response(request)
            patch_cache_control(response, max_age=0, must_revalidate=True)
            if self._is_cacheable_response(response):
                response["Last-Modified"] = http_date()
                # Made already by ConditionalGetMiddleware below, for a GET.
                if not response.has_header("ETag"):
                    set_etag(response)
                page = CachedPage.of(version, response)
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
                response = page.response_for(request)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _is_cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            # Anyone with a session may be an editor: they always get fresh pages.
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
        )

    @staticmethod
    def _is_cacheable_response(response):
        return (
            response.status_code in CACHEABLE_STATUSES
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
            and "Cookie" not in response.get("Vary", "")
        )

    @staticmethod
    def _conditional(request, response):
        """A 304 when the browser's copy is current (ConditionalGetMiddleware below this
        layer does the same for pages rendered now)."""
        not_modified = get_conditional_response(
            request,
            # A redirect has no body, so no ETag.
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
        if not_modified is not response:
            # Django keeps only the validators and caching headers; the security headers
            # stored with the page are added by the layers below to a 304 made now.
            for name, value in response.items():
                if name not in REPRESENTATION_HEADERS:
                    not_modified.headers.setdefault(name, value)
        not_modified.post_read = response.post_read
        return not_modified

    def _key(self, request):
        """The cache key of the page's address, remembered per worker process by the address as
        the request gives it (the host before validation, as get_host() reads it): validating
        the host, quoting the path and hashing the address took 6 µs of a 70 µs hit. A refused
        host raises DisallowedHost before anything is remembered."""
        address = (
            request.scheme,
            request._get_raw_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
        key = self.keys.get(address)
        if key is None:
            url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
            digest = hashlib.sha256(url.encode()).hexdigest()
            key = f"blog:page:{ENTRY_FORMAT}:{self.headers_digest}:{digest}"
            # A bound on memory: the address's parts are no longer than the URL made of them.
            if len(url) <= ADDRESS_KEPT_AT_MOST:
                if len(self.keys) >= KEYS_KEPT:
                    self.keys.clear()
                self.keys[address] = key
        return key


@dataclasses.dataclass(frozen=True)
class CachedPage(Shared):
    """A page in the cache: the content version it was rendered in, the response to serve and,
    for clients that accept gzip, the same page compressed (None when not worth it). Both are
    stored marked as hits, and served as they are stored. Shared by every read in a worker that
    keeps it decoded: a request gets a copy (response_for)."""

    version: str
    plain: HttpResponse
    compressed: HttpResponse | None

    @classmethod
    def of(cls, version, response):
        # A plain response: a pickled one restores its headers without checking each again.
        plain = HttpResponse(
            response.content, status=response.status_code, headers=response.headers
        )
        plain.post_read = getattr(response, "post_read", None)
        plain["X-Page-Cache"] = "hit"
        compressed = None
        if len(plain.content) >= COMPRESS_AT_LEAST and not plain.has_header("Content-Encoding"):
            patch_vary_headers(plain, ("Accept-Encoding",))
            body = compress_string(plain.content, max_random_bytes=GZIP_RANDOM_BYTES)
            if len(body) < len(plain.content):
                compressed = HttpResponse(body, status=plain.status_code, headers=plain.headers)
                compressed.post_read = plain.post_read
                compressed["Content-Length"] = str(len(body))
                compressed["Content-Encoding"] = "gzip"
                # Another representation: a weak ETag, still matched by If-None-Match (RFC 9110
                # 8.8.1).
                if compressed.get("ETag", "").startswith('"'):
                    compressed["ETag"] = "W/" + compressed["ETag"]
        return cls(version, plain, compressed)

    def response_for(self, request):
        accepts_gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        return _copy(self.compressed if self.compressed and accepts_gzip else self.plain)


def _copy(stored):
    """A response of its own, sharing the stored body: the layers above add headers and cookies
    to it, and the handler its closers. The headers are copied as stored (Django's
    ResponseHeaders keeps them in `_store`): setting them one by one checks each name and value
    again, and took longer than the rest of a hit."""
    response = object.__new__(type(stored))
    response.__dict__.update(stored.__dict__)
    response.headers = ResponseHeaders({})
    response.headers._store = stored.headers._store.copy()
    # The same bytes, in a list of its own: write() appends to it.
    response._container = list(stored._container)
    response.cookies = SimpleCookie()
    response._resource_closers = []
    return response
