"""Redis as a cache that the site can live without."""

import contextvars
import copy
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db.models import Model
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from redis.exceptions import RedisError

from blog.near_cache import NearCache

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisError, OSError)
# Values no request can change: the near cache keeps them decoded, for every request to share.
# Never NoneType: a kept value of None means "decode the raw value" (NearCache.read).
UNCHANGEABLE = frozenset({str, SafeString, bytes, int, float})
# Values read ahead for the current request (see ResilientRedisCache.prefetch): a dict inside
# a request (content_version.OncePerRequestMiddleware opens one), None outside.
PREFETCHED = contextvars.ContextVar("prefetched_cache_values", default=None)
ABSENT = object()


class Shared:
    """Base of cached values whose readers only read them, or copy what they change (as the
    page cache does, blog.page_cache.CachedPage): the near cache keeps them decoded, one object
    for every read in the worker."""


def _to_keep(value):
    """What the near cache keeps decoded of a value just read, if anything: a value no request
    can change or that every reader shares, or a copy of a model instance (unpickling a post
    with its category and author took 34 µs, a seventeenth of rendering its page)."""
    if type(value) in UNCHANGEABLE or isinstance(value, Shared):
        return value
    return copy.copy(value) if isinstance(value, Model) else None


def _for_one_read(kept):
    """A value kept decoded, as one read gets it: a model instance copied, for the reader to
    set attributes on (the related objects it came with are shared, to be read only)."""
    return copy.copy(kept) if isinstance(kept, Model) else kept


class ReusedClients(RedisCacheClient):
    """Django's client of the Redis cache, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call; its constructor (a table of
    response callbacks) took 0.5 ms of CPU, several times the call itself. redis.Redis is
    thread-safe and its pool reconnects after a fork, so one per pool is enough.

    With a NearCache, the keys it covers are read from the worker while Redis has not said
    they changed (blog.near_cache).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self.near = None

    def get(self, key, default):
        if self.near is None or not self.near.covers(key):
            return super().get(key, default)
        found = self.get_many([key])
        return found.get(key, default)

    def get_many(self, keys):
        if self.near is None:
            return super().get_many(keys)
        kept, epoch = self.near.read([key for key in keys if self.near.covers(key)])
        found = {
            key: self._serializer.loads(raw) if value is None else _for_one_read(value)
            for key, (raw, value) in kept.items()
        }
        missing = [key for key in keys if key not in kept]
        if missing:
            for key, raw in zip(missing, self.get_client(None).mget(missing), strict=True):
                if raw is not None:
                    found[key] = self._serializer.loads(raw)
                    if self.near.covers(key):
                        self.near.keep(key, raw, epoch, _to_keep(found[key]))
        return found

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if id(pool) not in self._clients:
            self._clients[id(pool)] = self._client(connection_pool=pool)
        return self._clients[id(pool)]


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, but a Redis outage is a cache miss, not a 500.

    Pages, fragments and the content version then simply render fresh until Redis is back;
    /healthz reports the outage.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        # {"PREFIXES": [...], "MAX_BYTES": n}: the keys a worker keeps (blog.near_cache).
        self._options = dict(self._options)
        self._near = self._options.pop("NEAR_CACHE", None)

    @cached_property
    def _cache(self):
        client = self._class(self._servers, **self._options)
        if self._near and self._near["MAX_BYTES"] > 0:
            client.near = NearCache(
                client._get_connection_pool(write=False),
                [self.make_key(prefix) for prefix in self._near["PREFIXES"]],
                self._near["MAX_BYTES"],
            )
        return client

    def validate_key(self, key):
        """Redis takes any key. Django's check is for memcached's limits, a generator and a
        regular expression on every key of every call; the test suite's caches still run it."""

    def _quietly(self, method, fallback, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s): carrying on without it.", type(error).__name__)
            return fallback

    def prefetch(self, keys) -> None:
        """Read `keys` in one round trip; this request's get() of any of them is then
        answered from what was read (see blog.fragments). Outside a request, nothing.

        Kept under the full key (prefix and version), so two caches never answer for each other.
        """
        prefetched = PREFETCHED.get()
        if prefetched is None:
            return
        found = self.get_many(keys)
        prefetched.update((self.make_key(key), found.get(key, ABSENT)) for key in keys)

    def get(self, key, default=None, version=None):
        prefetched = PREFETCHED.get()
        if prefetched and (full_key := self.make_key(key, version)) in prefetched:
            value = prefetched[full_key]
            return default if value is ABSENT else value
        return self._quietly(super().get, default, key, default, version)

    def get_many(self, *args, **kwargs):
        return self._quietly(super().get_many, {}, *args, **kwargs)

    # A write forgets what was read ahead of the key or kept in the worker, so a later get()
    # reads it again.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key], version)
        return self._quietly(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(data, version)
        return self._quietly(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key], version)
        return self._quietly(super().add, False, key, value, timeout, version)

    def touch(self, *args, **kwargs):
        return self._quietly(super().touch, False, *args, **kwargs)

    def delete(self, key, version=None):
        self._forget([key], version)
        return self._quietly(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        self._forget(keys, version)
        return self._quietly(super().delete_many, None, keys, version)

    def clear(self):
        prefetched = PREFETCHED.get()
        if prefetched:
            prefetched.clear()
        if self._cache.near:
            self._cache.near.clear()
        return super().clear()

    def _forget(self, keys, version=None) -> None:
        full_keys = [self.make_key(key, version) for key in keys]
        prefetched = PREFETCHED.get()
        if prefetched:
            for full_key in full_keys:
                prefetched.pop(full_key, None)
        if self._cache.near:
            self._cache.near.forget(full_keys)

    def has_key(self, *args, **kwargs):
        return self._quietly(super().has_key, False, *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        # decr() comes here too.
        self._forget([key], version)
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            # As for a missing key: callers already handle that.
            raise ValueError(f"Cache unreachable: {error}") from error

    def redis_client(self):
        """The Redis client behind this cache, for counters kept beside it (blog.view_counts)."""
        return self._cache.get_client(write=True)
