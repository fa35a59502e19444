"""Old addresses keep working: renamed posts, categories and tags redirect; deleted posts are gone.

Each address something used to answer at is an `OldAddress` row naming the post, category
or tag it belongs to now, not a new address. So a chain of renames always leads straight
to the current address, and whether to redirect is decided when the address is asked for:
a post that is not published at that moment answers 404, never a redirect that would
reveal it. A row whose post was deleted answers 410 Gone. An address a post, category or
tag takes for itself stops being an old address of anything else: the newcomer wins.

The rows are read only for requests that would otherwise end in a 404
(`OldAddressMiddleware`), so pages that exist pay nothing. A 404 at the URL a public
static page is saved with (/about/, an imported WordPress page's old path too) redirects
to where the page is served (/pages/about/).

For other modules (importers in particular):

- `remember(path, obj)`: the path (such as "/2019/05/hello-world/" of a previous site)
  now belongs to `obj`, a Post, Category or Tag, and redirects to it with a 301 while it is
  public. Idempotent; calling it again for the same path moves the path to the new owner.
  A path that is `obj`'s own current address is not stored.
- `address_of(obj)`: the path an object answers at, as requests see it (not percent-encoded).
- `merge_tags(survivor, tags)`: moves the posts of `tags` to `survivor` and deletes them,
  their addresses redirecting to the survivor.

Writes bump the content version through the model signals (see blog/apps.py), so a
cached 404 turns into the redirect at once.
"""

from urllib.parse import unquote

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponseGone, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.utils import timezone

from blog.models import Category, OldAddress, Post, Tag, TaggedPost
from blog.pages import public_pages

MAX_PATH_LENGTH = OldAddress._meta.get_field("path").max_length
# Category and tag feeds live under their pages (see blog/urls.py).
FEED_SUFFIX = "feed/"


def address_of(obj) -> str:
    return unquote(obj.get_absolute_url())


def remember(path: str, obj) -> None:
    """Record that `path` now leads to `obj` (a Post, Category or Tag)."""
    path = unquote(path)
    if not path.startswith("/") or len(path) > MAX_PATH_LENGTH:
        raise ValueError(f"An old address is a path of at most {MAX_PATH_LENGTH} characters.")
    if path == address_of(obj):
        return
    targets = {"post": None, "category": None, "tag": None}
    targets[_target_field(obj)] = obj
    OldAddress.objects.update_or_create(path=path, defaults=targets)


def claim(obj) -> None:
    """`obj` answers at its address itself: no old address there leads elsewhere any more."""
    for row in OldAddress.objects.filter(path=address_of(obj)):
        # One by one, so that the delete signal bumps the content version.
        row.delete()


def _target_field(obj) -> str:
    for model, field in ((Post, "post"), (Category, "category"), (Tag, "tag")):
        if isinstance(obj, model):
            return field
    raise TypeError(f"Old addresses lead to posts, categories or tags, not to {obj!r}.")


def answer(request):
    """The response for an old address; None if it is not one or leads to nothing public."""
    path = request.path
    row = _row(path)
    if row is None:
        return _feed_answer(path)
    if not (row.post_id or row.category_id or row.tag_id):
        return HttpResponseGone(render_to_string("410.html", request=request))
    target = _public_target(row)
    return HttpResponsePermanentRedirect(target.get_absolute_url()) if target else None


def _with_and_without_slash(path) -> list[str]:
    return [path, path[:-1] if path.endswith("/") else f"{path}/"]


def _row(path):
    paths = _with_and_without_slash(path)
    rows = {row.path: row for row in OldAddress.objects.filter(path__in=paths)}
    return next((rows[p] for p in paths if p in rows), None)


def _public_target(row):
    if row.post_id:
        return Post.objects.published().filter(pk=row.post_id).first()
    if row.category_id:
        return Category.objects.in_use().filter(pk=row.category_id).first()
    if row.tag_id:
        return Tag.objects.in_use().filter(pk=row.tag_id).first()
    return None


def _feed_answer(path):
    """The feed of a renamed category or tag follows it, as its page does; else a static
    page saved at this path (a previous site's) redirects to where it is served."""
    if path.endswith(FEED_SUFFIX):
        row = _row(path.removesuffix(FEED_SUFFIX))
        target = _public_target(row) if row and (row.category_id or row.tag_id) else None
        if target:
            return HttpResponsePermanentRedirect(target.get_absolute_url() + FEED_SUFFIX)
    page = public_pages().filter(url__in=_with_and_without_slash(path)).first()
    return HttpResponsePermanentRedirect(page.get_absolute_url()) if page else None


class OldAddressMiddleware:
    """Turns the 404 of an old address into its redirect or its 410."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        return answer(request) or response


@transaction.atomic
def merge_tags(survivor: Tag, tags) -> int:
    """Move the posts of `tags` to `survivor`, then delete them; returns how many were merged."""
    merged = 0
    for tag in tags:
        if tag.pk == survivor.pk:
            continue
        tagged = set(survivor.tagged_posts.values_list("content_object_id", flat=True))
        moving = tag.tagged_posts.exclude(content_object_id__in=tagged)
        TaggedPost.objects.bulk_create(
            TaggedPost(tag=survivor, content_object_id=post_id)
            for post_id in moving.values_list("content_object_id", flat=True)
        )
        OldAddress.objects.filter(tag=tag).update(tag=survivor)
        old_path = address_of(tag)
        tag.delete()
        remember(old_path, survivor)
        merged += 1
    return merged


# Signal receivers ------------------------------------------------------------------------------


def _is_public(status, published_at, now) -> bool:
    return status == Post.Status.PUBLISHED and published_at is not None and published_at <= now


def post_saving(sender, instance, raw=False, **kwargs):
    """Note what the save changes about the post's address, before the row is overwritten."""
    instance._renamed_from = None
    if raw:
        return
    now = timezone.now()
    if _is_public(instance.status, instance.published_at, now):
        instance.was_published = True
    if instance._state.adding:
        return
    stored = sender.objects.filter(pk=instance.pk).values("slug", "status", "published_at")
    stored = stored.first()
    if stored is None:
        return
    if _is_public(stored["status"], stored["published_at"], now):
        instance.was_published = True
    if stored["slug"] != instance.slug and instance.was_published:
        # Only addresses readers may have seen are kept; a draft's earlier slugs are not.
        instance._renamed_from = address_of(Post(slug=stored["slug"]))


def taxonomy_saving(sender, instance, raw=False, **kwargs):
    instance._renamed_from = None
    if raw or instance._state.adding:
        return
    old_slug = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old_slug is not None and old_slug != instance.slug:
        instance._renamed_from = address_of(sender(slug=old_slug))


def saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # A draft at an old address leaves it leading where it did until the draft goes out.
    if not isinstance(instance, Post) or instance.is_published:
        claim(instance)
    if instance._renamed_from:
        remember(instance._renamed_from, instance)


def post_deleted(sender, instance, **kwargs):
    """A post readers have seen leaves its address gone (410); a draft's simply never existed."""
    if instance.was_published or instance.is_published:
        OldAddress.objects.update_or_create(
            path=address_of(instance), defaults={"post": None, "category": None, "tag": None}
        )


def connect():
    pre_save.connect(post_saving, sender=Post, dispatch_uid="addresses-post-saving")
    pre_save.connect(taxonomy_saving, sender=Category, dispatch_uid="addresses-category-saving")
    pre_save.connect(taxonomy_saving, sender=Tag, dispatch_uid="addresses-tag-saving")
    for model in (Post, Category, Tag):
        post_save.connect(saved, sender=model, dispatch_uid=f"addresses-saved-{model.__name__}")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid="addresses-post-deleted")
