"""Full-text search of published posts, on SQLite (FTS5) or PostgreSQL, picked by the database.

Views call `search_posts()` and `highlight()` and never know which engine runs.
Each engine module offers the same six functions: scores, id_set, snippets,
write, delete and compact.
"""

import math
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog.markdown import plain_text
from blog.models import Post
from blog.search import postgres, sqlite
from blog.search.query import SearchQuery, clean, parse
from blog.search.ranking import narrowed

__all__ = [
    "clean",
    "compact_index",
    "highlight",
    "index_posts",
    "parse",
    "rebuild_index",
    "search_posts",
    "unindex_posts",
]

# Ranking looks at the newest matches in each tier (title, tags and category, excerpt,
# anywhere), this many of each, so a query matching half the archive costs no more than a
# rare one. A reader never pages through more than a few hundred results.
CANDIDATE_POOL = 200
MARK_START, MARK_END = "\x02", "\x03"
# Ids below this share a second of the order key without colliding (see order_key).
KEY_ID_SPAN = 2**24


def engine():
    return postgres if connection.vendor == "postgresql" else sqlite


class RankedPosts(Sequence):
    """Search results in rank order, for the paginator: only a page's posts are loaded.

    A SQL ORDER BY over hundreds of ranked ids would sort whole rows; slicing a
    list of ids and loading ten posts costs almost nothing.
    """

    def __init__(self, post_ids: list[int], *, complete: bool = True):
        self.post_ids = post_ids
        # False when more posts match than were ranked: the count is then a lower bound.
        self.complete = complete

    def __len__(self):
        return len(self.post_ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        page_ids = self.post_ids[index]
        # Only what a result shows (templates/blog/search.html): a whole post, its author
        # and tags cost more to load than the search takes.
        posts = (
            Post.objects.published()
            .select_related("category")
            .only("title", "slug", "published_at", "excerpt", "category__name", "category__slug")
            .in_bulk(page_ids)
        )
        return [posts[pk] for pk in page_ids if pk in posts]


def search_posts(query: SearchQuery, *, category=None, tag=None) -> RankedPosts:
    """Published posts matching `query`, best first, then newest first."""
    if not query:
        return RankedPosts([])
    # A category or tag filter drops most candidates afterwards: look at more of them.
    pool = CANDIDATE_POOL * 5 if category or tag else CANDIDATE_POOL
    search_engine = engine()
    scores, complete = search_engine.scores(query, pool, published_below())
    if category or tag:
        post_ids = narrowed(
            scores,
            search_engine.id_set(list(scores)),
            category_id=category.pk if category else None,
            tag_id=tag.pk if tag else None,
        )
    else:
        post_ids = sorted(scores, key=scores.__getitem__)
    return RankedPosts(post_ids, complete=complete)


def highlight(query: SearchQuery, posts) -> None:
    """Give each post a `snippet` of its body with the matched words in <mark>, the rest escaped."""
    snippets = engine().snippets(query, [post.pk for post in posts], MARK_START, MARK_END)
    for post in posts:
        text = escape(snippets.get(post.pk) or post.excerpt)
        post.snippet = mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def index_posts(post_ids) -> int:
    """Bring the index up to date for these posts, whatever changed about them.

    Only posts with the published status are indexed (a scheduled one is left out by its
    order key until its time: see published_below): drafts are newer than most posts and
    would crowd out the newest matches each tier ranks.
    """
    post_ids = list(post_ids)
    posts = (
        Post.objects.filter(pk__in=post_ids, status=Post.Status.PUBLISHED)
        .select_related("category")
        .prefetch_related("tags")
    )
    documents = [_document(post) for post in posts]
    engine().delete(post_ids)
    engine().write(documents)
    return len(documents)


def unindex_posts(post_ids) -> None:
    engine().delete(list(post_ids))


def rebuild_index(batch_size: int = 1000, progress=None) -> int:
    """Index every post from scratch; returns how many were indexed (the published ones)."""
    engine().delete(None)
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    indexed = 0
    for start in range(0, len(ids), batch_size):
        indexed += index_posts(ids[start : start + batch_size])
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    compact_index()
    return indexed


def compact_index() -> None:
    """After a bulk load: fold the index's pieces together, so searches read fewer of them."""
    engine().compact()


def published_below() -> int:
    """Indexed posts published by now have order keys below this. Keys count whole
    seconds: a post due later in the current second passes too, and RankedPosts, which
    loads only published posts, leaves it out of the page."""
    return (math.floor(timezone.now().timestamp()) + 1) * KEY_ID_SPAN


def order_key(post: Post) -> int:
    """A number that sorts posts by publication time, then id (drafts by creation time).

    The engines pick each tier's newest matches by this key, so an older archive imported
    into a running blog (higher ids, earlier dates) does not crowd out its recent posts.
    """
    moment = post.published_at or post.created_at
    return math.floor(moment.timestamp()) * KEY_ID_SPAN + post.pk % KEY_ID_SPAN


def _document(post: Post) -> tuple:
    taxonomy = [tag.name for tag in post.tags.all()]
    if post.category:
        taxonomy.append(post.category.name)
    # The sentinels that mark matches must not occur in the text itself.
    body = plain_text(post.body_html).replace(MARK_START, " ").replace(MARK_END, " ")
    return post.pk, order_key(post), post.title, " ".join(taxonomy), post.excerpt, body
