"""The template fragments a page is about to render, read from the cache in one round trip.

Each {% cache %} tag reads its fragment with a cache call of its own: five on a post page,
each a round trip to Redis. A view names the fragments its template asks for, and the
cache answers those tags from one read (ResilientRedisCache.prefetch; other caches read
each as before).
"""

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

from blog import content_version

# On every page, from base.html.
SITE_WIDE = (("site-nav",), ("more-to-read",))


def prefetch(fragments) -> None:
    """Read these fragments, each (name, *vary_on) as its {% cache %} tag names it, less
    the content version that ends every tag's vary_on."""
    read_ahead = getattr(cache, "prefetch", None)
    if read_ahead is None:
        return
    version = content_version.current()
    read_ahead(
        [make_template_fragment_key(name, [*vary_on, version]) for name, *vary_on in fragments]
    )
