"""Full-text search of published posts, on SQLite (FTS5) or PostgreSQL, picked by the database.

Views call `search_posts()` and `highlight()` and never know which engine runs.
Each engine module offers the same four functions: ranked_ids, snippets,
write and delete.
"""

from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog.markdown import plain_text
from blog.models import Post
from blog.search import postgres, sqlite
from blog.search.query import SearchQuery, clean, parse

__all__ = [
    "clean",
    "highlight",
    "index_posts",
    "parse",
    "rebuild_index",
    "search_posts",
    "unindex_posts",
]

# Ranking is done on the best matches only, so a query matching half the archive stays fast.
MAX_RESULTS = 500
MARK_START, MARK_END = "\x02", "\x03"


def engine():
    return postgres if connection.vendor == "postgresql" else sqlite


def search_posts(query: SearchQuery, *, category=None, tag=None) -> QuerySet[Post]:
    """Published posts matching `query`, best first, then newest first."""
    ids = (
        engine().ranked_ids(
            query,
            category_id=category.pk if category else None,
            tag_id=tag.pk if tag else None,
            limit=MAX_RESULTS,
        )
        if query
        else []
    )
    if not ids:
        return Post.objects.none()
    position = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), output_field=IntegerField())
    return (
        Post.objects.published()
        .for_listing()
        .filter(pk__in=ids)
        .annotate(search_position=position)
        .order_by("search_position")
    )


def highlight(query: SearchQuery, posts) -> None:
    """Give each post a `snippet` of its body with the matched words in <mark>, the rest escaped."""
    snippets = engine().snippets(query, [post.pk for post in posts], MARK_START, MARK_END)
    for post in posts:
        text = escape(snippets.get(post.pk) or post.excerpt)
        post.snippet = mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def index_posts(post_ids) -> None:
    """Bring the index up to date for these posts, whatever changed about them."""
    post_ids = list(post_ids)
    posts = Post.objects.filter(pk__in=post_ids).select_related("category").prefetch_related("tags")
    documents = [_document(post) for post in posts]
    engine().delete(post_ids)
    engine().write(documents)


def unindex_posts(post_ids) -> None:
    engine().delete(list(post_ids))


def rebuild_index(batch_size: int = 1000, progress=None) -> int:
    """Index every post from scratch; returns how many were indexed."""
    engine().delete(None)
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        index_posts(ids[start : start + batch_size])
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


def _document(post: Post) -> tuple:
    taxonomy = [tag.name for tag in post.tags.all()]
    if post.category:
        taxonomy.append(post.category.name)
    # The sentinels that mark matches must not occur in the text itself.
    body = plain_text(post.body_html).replace(MARK_START, " ").replace(MARK_END, " ")
    return post.pk, post.title, " ".join(taxonomy), post.excerpt, body
