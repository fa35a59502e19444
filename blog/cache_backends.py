"""Redis as a cache that the site can live without."""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisError, OSError)


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

    def get(self, *args, **kwargs):
        default = kwargs.get("default", args[1] if len(args) > 1 else None)
        return self._quietly(super().get, default, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._quietly(super().get_many, {}, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._quietly(super().set, None, *args, **kwargs)

    def set_many(self, keys, *args, **kwargs):
        return self._quietly(super().set_many, list(keys), keys, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._quietly(super().add, False, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._quietly(super().touch, False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._quietly(super().delete, False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._quietly(super().delete_many, None, *args, **kwargs)

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
