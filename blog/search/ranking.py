"""The part of ranking both engines share: only published posts, ties to the newest."""

from blog.models import Post


def rank_published(scores: dict[int, tuple], *, category_id, tag_id) -> list[int]:
    """Ids of the published posts among `scores` (id -> sort key, smaller is better),
    narrowed to a category or tag, best first and newest first on ties."""
    if not scores:
        return []
    posts = Post.objects.published().filter(pk__in=list(scores))
    if category_id is not None:
        posts = posts.filter(category_id=category_id)
    if tag_id is not None:
        posts = posts.filter(tags=tag_id)
    # Sorted here: an ORDER BY would lead SQLite to walk every published post by date.
    dated = posts.order_by().values_list("pk", "published_at")
    ranked = sorted(dated, key=lambda row: (scores[row[0]], -row[1].timestamp()))
    return [pk for pk, _ in ranked]
