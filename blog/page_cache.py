"""Whole public pages for anonymous readers, served from the cache.

Keys carry the content version (blog.content_version), so any editorial change
is visible on the next request. Entries live PAGE_CACHE_SECONDS, which bounds
how far a view count shown on a cached page can lag. Browsers are told to
revalidate every time (max-age=0) and get a 304 through the ETag when nothing
changed, instead of keeping stale copies.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date

from blog import content_version

CACHEABLE_STATUSES = {200, 301, 404, 410}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._is_cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        entry = cache.get(key)
        if entry is not None:
            response = self._from_entry(entry)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if self._is_cacheable_response(response):
                response["Last-Modified"] = http_date()
                set_response_etag(response)
                cache.set(key, self._to_entry(response), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        patch_cache_control(response, max_age=0, must_revalidate=True)
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
    def _key(request):
        url = request.build_absolute_uri()
        digest = hashlib.sha256(url.encode()).hexdigest()
        return f"blog:page:{content_version.current()}:{digest}"

    @staticmethod
    def _to_entry(response):
        return response.status_code, list(response.items()), response.content

    @staticmethod
    def _from_entry(entry):
        status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
