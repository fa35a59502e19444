"""Posts shown before readers see them, marked as previews, never counted, never indexed.

Two kinds, rendered alike by `render_preview`:

- the staff preview (`blog:post_preview`), for logged-in staff who may preview that post,
  as `Post.can_be_previewed_by` decides;
- the shared preview (`blog:shared_preview`), for a reviewer without an account: a link
  signed with the site's secret key, carrying the post's id and the time it was last
  changed. It expires after SHARED_PREVIEW_DAYS, and any change to the post (which moves
  `updated_at`) revokes every link handed out before. It shows the post and nothing else.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse

from blog.models import Post

SALT = "blog.shared-preview"


def preview_posts():
    """Posts of any state, with what the post page shows."""
    return (
        Post.objects.select_related("category", "author").prefetch_related("tags").with_neighbours()
    )


def render_preview(request, post):
    context = {"post": post, "is_preview": True, "related_posts": Post.objects.related_to(post)}
    response = render(request, "blog/post_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    # The preview is for the one person who asked for it; no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


def share_token(post) -> str:
    return signing.dumps([post.pk, post.updated_at.isoformat()], salt=SALT)


def share_url(post) -> str:
    return settings.SITE_URL + reverse("blog:shared_preview", args=[share_token(post)])


def shared_post(token: str):
    """The post a shared link shows; None when the link is tampered with, expired or revoked."""
    max_age = settings.SHARED_PREVIEW_DAYS * 24 * 60 * 60
    try:
        pk, changed_at = signing.loads(token, salt=SALT, max_age=max_age)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    post = preview_posts().filter(pk=pk).first()
    if post is None or post.updated_at.isoformat() != changed_at:
        return None
    return post
