"""Structured data for search engines: JSON-LD built in Python, safe inside a <script>."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from blog import links

# "</script>" or "<!--" in a title must not end the script element it sits in: JSON lets
# these characters be written as escapes, which HTML leaves alone.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def absolute_url(url: str) -> str:
    """`url` on SITE_URL, unless it already names a host (a CDN or object store)."""
    return url if urlsplit(url).scheme else settings.SITE_URL + url


def home_url() -> str:
    return absolute_url(reverse("blog:post_list"))


def to_json_ld(data: dict) -> SafeString:
    """`data` as JSON that can be written between <script> tags as it is."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


def blog_posting(post) -> dict:
    """schema.org BlogPosting of a post (its tags prefetched, category and author joined)."""
    url = absolute_url(post.get_absolute_url())
    author = post.author
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.search_title,
        "description": post.search_description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        # A draft's preview has no publication date yet.
        **({"datePublished": _iso(post.published_at)} if post.published_at else {}),
        "dateModified": _iso(post.updated_at),
        "author": {
            "@type": "Person",
            "name": author.get_full_name() or author.get_username(),
            "url": absolute_url(links.address("blog:author_detail", author.get_username())),
        },
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": home_url()},
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if post.category:
        data["articleSection"] = post.category.name
    if post.cover_image:
        image = {"@type": "ImageObject", "url": absolute_url(post.cover_image.url)}
        if post.cover_image_width and post.cover_image_height:
            image.update(width=post.cover_image_width, height=post.cover_image_height)
        data["image"] = image
    return data


def breadcrumbs(post) -> dict:
    """schema.org BreadcrumbList: Home, the post's category if it has one, the post."""
    trail = [("Home", home_url())]
    if post.category:
        trail.append((post.category.name, absolute_url(post.category.get_absolute_url())))
    trail.append((post.title, absolute_url(post.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }
