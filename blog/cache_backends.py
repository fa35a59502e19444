"""Redis as a cache that the site can live without."""

import contextvars
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisError, OSError)
# Values read ahead for the current request (see ResilientRedisCache.prefetch): a dict inside
# a request (content_version.OncePerRequestMiddleware opens one), None outside.
PREFETCHED = contextvars.ContextVar("prefetched_cache_values", default=None)
ABSENT = object()


class ReusedClients(RedisCacheClient):
    """Django's client of the Redis cache, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call; its constructor (a table of
    response callbacks) took 0.5 ms of CPU, several times the call itself. redis.Redis is
    thread-safe and its pool reconnects after a fork, so one per pool is enough.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._class = ReusedClients

    def _quietly(self, method, fallback, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s): carrying on without it.", type(error).__name__)
            return fallback

    def prefetch(self, keys) -> None:
        """Read `keys` in one round trip; this request's get() of any of them is then
        answered from what was read (see blog.fragments). Outside a request, nothing."""
        prefetched = PREFETCHED.get()
        if prefetched is None:
            return
        found = self.get_many(keys)
        prefetched.update((key, found.get(key, ABSENT)) for key in keys)

    def get(self, key, default=None, version=None):
        prefetched = PREFETCHED.get()
        if prefetched and version is None and key in prefetched:
            value = prefetched[key]
            return default if value is ABSENT else value
        return self._quietly(super().get, default, key, default, version)

    def get_many(self, *args, **kwargs):
        return self._quietly(super().get_many, {}, *args, **kwargs)

    # A write forgets what was read ahead of the key, so a later get() reads it again.

    def set(self, key, *args, **kwargs):
        self._forget([key])
        return self._quietly(super().set, None, key, *args, **kwargs)

    def set_many(self, keys, *args, **kwargs):
        self._forget(keys)
        return self._quietly(super().set_many, list(keys), keys, *args, **kwargs)

    def add(self, key, *args, **kwargs):
        self._forget([key])
        return self._quietly(super().add, False, key, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._quietly(super().touch, False, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        self._forget([key])
        return self._quietly(super().delete, False, key, *args, **kwargs)

    def delete_many(self, keys, *args, **kwargs):
        self._forget(keys)
        return self._quietly(super().delete_many, None, keys, *args, **kwargs)

    @staticmethod
    def _forget(keys) -> None:
        prefetched = PREFETCHED.get()
        if prefetched:
            for key in keys:
                prefetched.pop(key, None)

    def has_key(self, *args, **kwargs):
        return self._quietly(super().has_key, False, *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            # As for a missing key: callers already handle that.
            raise ValueError(f"Cache unreachable: {error}") from error

    def redis_client(self):
        """The Redis client behind this cache, for counters kept beside it (blog.view_counts)."""
        return self._cache.get_client(write=True)
