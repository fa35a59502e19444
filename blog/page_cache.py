"""Whole public pages for anonymous readers, served from the cache.

Each entry carries the content version (blog.content_version) it was rendered in, and is read
in the same cache round trip as the version in force: any editorial change is visible on the
next request. Entries live PAGE_CACHE_SECONDS: a view count shown on a cached page lags at most
that much more than on a page rendered now. Browsers are told to revalidate every time
(max-age=0) and get a 304 through the ETag when nothing changed, instead of keeping stale
copies. An entry is compressed once, when stored, and served compressed to clients that accept
gzip (every browser and feed reader): sending a 20-160 KB page cost more than finding it.

The middleware sits near the top of the stack so that a hit skips everything below it;
the headers those layers add (security, CSP, frame options) are stored with the page. The
settings behind them are part of the key, so a deploy that changes them is not answered
with pages cached before.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.text import compress_string

from blog import content_version

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
        entry = found.get(key)
        # An entry is (the version it was rendered in, the response).
        if entry is not None and entry[0] == version:
            response = entry[1]
            # Entries stored before compression came have no `gzipped`.
            self._compress(request, response, getattr(response, "gzipped", None))
            if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
                response = self._conditional(request, response)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            patch_cache_control(response, max_age=0, must_revalidate=True)
            if self._is_cacheable_response(response):
                response["Last-Modified"] = http_date()
                # Made already by ConditionalGetMiddleware below, for a GET.
                if not response.has_header("ETag"):
                    set_etag(response)
                entry = self._to_entry(version, response)
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                # Stored first: the entry keeps the plain body and its strong ETag.
                self._compress(request, response, entry[1].gzipped)
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
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(url.encode()).hexdigest()
        return f"blog:page:{self.headers_digest}:{digest}"

    @staticmethod
    def _to_entry(version, response):
        # A plain response: a pickled one restores its headers without checking each again.
        entry = HttpResponse(response.content, status=response.status_code)
        entry.headers = response.headers
        entry.post_read = getattr(response, "post_read", None)
        entry.gzipped = None
        if len(entry.content) >= COMPRESS_AT_LEAST and not entry.has_header("Content-Encoding"):
            # The headers are shared: the response served now varies too.
            patch_vary_headers(entry, ("Accept-Encoding",))
            compressed = compress_string(entry.content, max_random_bytes=GZIP_RANDOM_BYTES)
            if len(compressed) < len(entry.content):
                entry.gzipped = compressed
        return version, entry

    @staticmethod
    def _compress(request, response, gzipped):
        """The body compressed when stored, for a client that accepts gzip."""
        if not gzipped or not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return
        response.content = gzipped
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = "gzip"
        # Another representation: a weak ETag, still matched by If-None-Match (RFC 9110 8.8.1).
        if response.get("ETag", "").startswith('"'):
            response["ETag"] = "W/" + response["ETag"]
