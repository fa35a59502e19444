"""What changed in a post, who changed it and when, and restoring an earlier body.

The admin's own history (LogEntry) says who did what and when. Beside each entry the
admin records a `PostRevision`, a copy of the fields that matter to readers, so the
history page can show a readable field-level diff between consecutive revisions and an
editor can put an earlier body back. Only the newest POST_REVISIONS_KEPT revisions of a
post are kept.
"""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from blog.models import Post, PostRevision

TRACKED = {
    "title": "Title",
    "slug": "Address",
    "status": "Status",
    "published_at": "Publication time",
    "body": "Body",
}


@dataclass
class Change:
    label: str
    before: str
    after: str
    # For the body: unified-diff lines, each (kind, text), kind "added", "removed", "hunk" or "".
    lines: list | None = None


def record(post, user) -> PostRevision:
    revision = PostRevision.objects.create(
        post=post,
        editor=user if user and user.is_authenticated else None,
        **{field: getattr(post, field) for field in TRACKED},
    )
    stale = PostRevision.objects.filter(post=post).values_list("pk", flat=True)
    stale = list(stale.order_by("-created_at", "-pk")[settings.POST_REVISIONS_KEPT :])
    if stale:
        PostRevision.objects.filter(pk__in=stale).delete()
    return revision


def history(post) -> list[tuple[PostRevision, list[Change]]]:
    """The post's revisions, newest first, each with what it changed from the one before."""
    revisions = list(post.revisions.select_related("editor"))
    earlier = [*revisions[1:], None]
    return [
        (revision, changes(before, revision))
        for revision, before in zip(revisions, earlier, strict=True)
    ]


def changes(before, after) -> list[Change]:
    """What differs between two revisions; everything, when there is none before."""
    found = []
    for field, label in TRACKED.items():
        old = _shown(before, field) if before else ""
        new = _shown(after, field)
        if before and old == new:
            continue
        lines = _line_diff(old, new) if field == "body" else None
        found.append(Change(label, old, new, lines))
    return found


def _shown(revision, field) -> str:
    value = getattr(revision, field)
    if field == "status":
        return Post.Status(value).label
    if field == "published_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else "none"
    return value


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    lines = []
    for line in list(diff)[2:]:  # past the ---/+++ file headers
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "")
        lines.append((kind, line))
    return lines
