from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from blog import pages
from blog.models import Category, Post, Tag


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, whatever host or scheme the request came through."""

    # Addresses per sitemap file, well under the protocol's 50,000: building a file of 50,000
    # posts took a worker from 62 to 168 MB of memory, one of 5,000 adds about 10 MB.
    limit = 5000

    @property
    def protocol(self):
        # A property, not get_protocol(): Django's sitemap index reads the attribute.
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PostSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().order_by("-published_at", "-pk").only("slug", "updated_at")

    def lastmod(self, post):
        return post.updated_at

    def get_latest_lastmod(self):
        # Django's own asks every post for its lastmod, loading all of them at once: the
        # index of 100,000 posts took a worker from 62 to 134 MB.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.in_use().order_by("name")


class TagSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Tag.objects.in_use().order_by("name")


class HomeSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["blog:post_list"]

    def location(self, name):
        return reverse(name)


class PageSitemap(SiteSitemap):
    """Static pages anyone may read (not those requiring a login)."""

    changefreq = "monthly"

    def items(self):
        return pages.public_pages().order_by("url").only("url")


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
}
