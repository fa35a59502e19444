"""The site's settings with the local-memory cache, for the benchmark when Redis is away.

The cache is per worker process, which the site must not use in production (a version bump in
one worker is invisible to the others), but nothing is edited while the benchmark runs.
"""

from config.settings import *  # noqa: F403

# Room for every post card and fragment of the benchmark's pages (the default keeps 300).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
