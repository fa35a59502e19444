"""Addresses of posts, categories, tags and authors without a reverse() for each one.

Also the addresses every page links (feeds, search, archive): a page is a few {% url %}
tags from a cached fragment, and each reverse() cost about as much as the fragment.

A list page links every post, its category, its author and its tags: dozens of addresses,
and reverse() walks the URL patterns and checks its result against them every time. Here
each pattern is reversed once, with a marker where the slug goes; an address is then that
template with the slug quoted as reverse() quotes it.
"""

import functools
from urllib.parse import quote

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Letters only: quote() leaves it as it is, and no pattern contains it.
MARKER = "slugmarkerxq"
# What reverse() leaves unquoted in an address (django.urls.resolvers).
SAFE = RFC3986_SUBDELIMS + "/~:@"


def address(view_name: str, slug: str) -> str:
    """The same as reverse(view_name, args=[slug]) for a URL with one string argument."""
    return _template(view_name, get_script_prefix()).replace(MARKER, quote(str(slug), safe=SAFE))


def fixed(view_name: str) -> str:
    """The same as reverse(view_name) for a URL without arguments (feeds, search, archive)."""
    return _fixed(view_name, get_script_prefix())


@functools.lru_cache(maxsize=32)
def _template(view_name: str, script_prefix: str) -> str:
    return reverse(view_name, args=[MARKER])


@functools.lru_cache(maxsize=32)
def _fixed(view_name: str, script_prefix: str) -> str:
    return reverse(view_name)


def _forget_templates(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _template.cache_clear()
        _fixed.cache_clear()


setting_changed.connect(_forget_templates, dispatch_uid="blog-links-forget")
