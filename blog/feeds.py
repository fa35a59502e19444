from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from blog.markdown import absolute_urls
from blog.models import Category, Post, Tag

FEED_LENGTH = 20


class LatestPostsFeed(Feed):
    title = settings.SITE_NAME
    description = settings.SITE_DESCRIPTION
    link = "/"

    def items(self):
        return self.posts()[:FEED_LENGTH]

    @staticmethod
    def posts():
        # Listings leave the body out; a feed carries it in full.
        return Post.objects.published().for_listing().defer(None)

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return absolute_urls(post.body_html, settings.SITE_URL + post.get_absolute_url())

    def item_author_name(self, post):
        return post.author.get_full_name() or post.author.get_username()

    def item_categories(self, post):
        names = [post.category.name] if post.category else []
        return names + [tag.name for tag in post.listed_tags]

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_guid(self, post):
        # A tag URI on the post's id: editing the title or slug never makes it a new item.
        return (
            f"tag:{urlsplit(settings.SITE_URL).hostname},{post.created_at:%Y-%m-%d}:post-{post.pk}"
        )

    item_guid_is_permalink = False


class AtomPostsFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description


class TaxonomyFeed(LatestPostsFeed):
    """The posts of one category or tag, named by the slug in the URL."""

    model = None
    posts_filter = None  # the Post lookup that selects its posts

    def get_object(self, request, slug):
        # Like its page: a category or tag of hidden posts only must not show that it exists.
        return get_object_or_404(self.model.objects.in_use(), slug=slug)

    def link(self, subject):
        return subject.get_absolute_url()

    def items(self, subject):
        return self.posts_of(subject)[:FEED_LENGTH]

    def posts_of(self, subject):
        return self.posts().filter(**{self.posts_filter: subject})


class CategoryFeed(TaxonomyFeed):
    model, posts_filter = Category, "category"

    def title(self, category):
        return f"{category.name} | {settings.SITE_NAME}"

    def description(self, category):
        return category.description or f"Posts filed under {category.name}."


class TagFeed(TaxonomyFeed):
    model = Tag

    def posts_of(self, tag):
        return self.posts().tagged(tag)

    def title(self, tag):
        return f"Posts tagged {tag.name} | {settings.SITE_NAME}"

    def description(self, tag):
        return f"Posts tagged {tag.name}."
