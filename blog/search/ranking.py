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
    # Sorting is stable: newest first from the database stays so among equal scores.
    newest_first = posts.order_by("-published_at", "-pk").values_list("pk", flat=True)
    return sorted(newest_first, key=scores.__getitem__)
