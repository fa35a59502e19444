"""One version number for everything the public sees.

Cached pages and fragments put the version in their keys. Every write that can
change a public page bumps it once its transaction commits, so nothing is ever
served stale and no one has to know which keys a change affects. The next
scheduled publication time is kept beside the version: the first request after
it bumps the version, so scheduled posts appear on time on cached pages too.

Within a request the version is read from the cache once (OncePerRequestMiddleware): a
page asks for it with every fragment, and each read is a round trip to Redis.
"""

import contextvars
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from blog.cache_backends import PREFETCHED

STATE_KEY = "blog:content-state"
# The version read during the current request: a dict inside a request, None outside one.
_this_request = contextvars.ContextVar("content_version_this_request", default=None)


def current() -> str:
    """The version in force, bumping it first if a scheduled post has come due."""
    remembered = _this_request.get()
    if remembered:
        return remembered["version"]
    return in_force(cache.get(STATE_KEY))


def in_force(state: dict | None) -> str:
    """The version in force given the state read from the cache (under STATE_KEY)."""
    if state is None or (state["next_publication"] and timezone.now() >= state["next_publication"]):
        state = _bump()
    _remember(state["version"])
    return state["version"]


class OncePerRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _this_request.set({})
        # And the cache values a view reads ahead (blog.fragments), for this request only.
        prefetched = PREFETCHED.set({})
        try:
            return self.get_response(request)
        finally:
            PREFETCHED.reset(prefetched)
            _this_request.reset(token)


def _remember(version: str) -> None:
    remembered = _this_request.get()
    if remembered is not None:
        remembered["version"] = version


def cached(name: str, compute, timeout: int = 300):
    """`compute()`, kept in the cache until the content changes (or `timeout` seconds pass)."""
    return cache.get_or_set(f"blog:versioned:{name}:{current()}", compute, timeout)


def bump_on_commit() -> None:
    transaction.on_commit(_bump)


def _bump() -> dict:
    from blog.models import Post

    state = {
        "version": str(time.time_ns()),
        "next_publication": Post.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
    }
    cache.set(STATE_KEY, state, timeout=None)
    _remember(state["version"])
    return state


def on_migrate(**kwargs) -> None:
    """Signal receiver for post_migrate: the next request starts a new version. Not bumped
    here: after `migrate blog zero` there is no post to look up."""
    cache.delete(STATE_KEY)


# Saves that change nothing a reader sees: a login, a view counted.
UNSEEN_FIELDS = frozenset({"last_login", "view_count"})


def on_content_change(sender, raw=False, update_fields=None, **kwargs) -> None:
    """Signal receiver for saves, deletes and tag changes of anything the public sees."""
    if raw or (update_fields and UNSEEN_FIELDS.issuperset(update_fields)):
        return
    bump_on_commit()
