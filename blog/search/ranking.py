"""The part of ranking both engines share: narrowing to a category or a tag."""

from blog.models import Post


def narrowed(scores: dict[int, tuple], candidates, *, category_id, tag_id) -> list[int]:
    """Ids of the posts among `scores` (id -> sort key, smaller is better) in the category
    or with the tag, best first. `candidates` is the engine's way of naming those ids in a
    filter (see the engines' `id_set`).

    The engines end each sort key with the post's order key negated (publication time,
    then id: see blog.search.order_key), so ties go to the newest without loading dates.
    """
    if not scores:
        return []
    posts = Post.objects.published().filter(pk__in=candidates)
    if category_id is not None:
        posts = posts.filter(category_id=category_id)
    if tag_id is not None:
        posts = posts.filter(tags=tag_id)
    # Sorted here: an ORDER BY would lead SQLite to walk every published post by date.
    return sorted(posts.order_by().values_list("pk", flat=True), key=scores.__getitem__)
