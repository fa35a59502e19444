"""Keep the search index in step with every write that changes what it holds.

Indexing runs inside the writer's transaction, so the index commits or rolls
back with the post. Queryset updates and bulk creates fire no signals: the
post queryset calls `index_posts` itself (see PostQuerySet).
"""

from blog.models import Category, Post
from blog.search import index_posts, unindex_posts


def post_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"view_count"}):
        return
    index_posts([instance.pk])


def post_deleted(sender, instance, **kwargs):
    unindex_posts([instance.pk])


def tags_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    index_posts([instance.pk] if isinstance(instance, Post) else pk_set or [])


def tagging_deleted(sender, instance, **kwargs):
    index_posts([instance.content_object_id])


def taxonomy_saved(sender, instance, raw=False, **kwargs):
    """A renamed category or tag changes the text of every post filed under it."""
    if not raw and instance.pk:
        index_posts(type(instance).objects.filter(pk=instance.pk).post_ids())


def category_deleting(sender, instance, **kwargs):
    # Its posts lose the category through an update that fires no signal: remember them.
    instance.orphaned_post_ids = list(Category.objects.filter(pk=instance.pk).post_ids())


def category_deleted(sender, instance, **kwargs):
    index_posts(getattr(instance, "orphaned_post_ids", []))
