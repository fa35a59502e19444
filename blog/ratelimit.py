"""A per-client request budget per minute, kept in the shared cache."""

import time

from django.core.cache import cache


def allow(scope: str, client: str, per_minute: int) -> tuple[bool, int]:
    """Whether `client` may make another `scope` request now, and seconds until a new budget."""
    if per_minute <= 0:
        return True, 0
    now = time.time()
    window = int(now // 60)
    key = f"ratelimit:{scope}:{client}:{window}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        count = 1
    retry_after = 60 - int(now % 60)
    return count <= per_minute, retry_after
