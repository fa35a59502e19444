"""PostgreSQL's engine: a stored, weighted tsvector with a GIN index, and unaccent."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from blog.models import PostSearch

CONFIG = "blog_english"
# Weights of D (body), C (excerpt), B (tags and category) and A (title): a match in a
# heavier part outranks any number of matches in a lighter one.
WEIGHTS = [0.02, 0.1, 0.4, 1.0]


def to_tsquery(query) -> SearchQuery:
    def term(term):
        search_type = "phrase" if term.is_phrase else "plain"
        return SearchQuery(" ".join(term.words), search_type=search_type, config=CONFIG)

    clauses = [reduce(or_, map(term, clause)) for clause in query.clauses]
    tsquery = reduce(and_, clauses)
    for excluded in query.excluded:
        tsquery &= ~term(excluded)
    return tsquery


def ranked_ids(query, *, category_id, tag_id, limit) -> list[int]:
    tsquery = to_tsquery(query)
    documents = PostSearch.objects.filter(document=tsquery)
    if category_id is not None:
        documents = documents.filter(post__category_id=category_id)
    if tag_id is not None:
        documents = documents.filter(post__tags=tag_id)
    return list(
        documents.annotate(rank=SearchRank(F("document"), tsquery, weights=WEIGHTS))
        .order_by("-rank", "-post__published_at")
        .values_list("post_id", flat=True)[:limit]
    )


def snippets(query, post_ids, start, end) -> dict[int, str]:
    if not post_ids or not query:
        return {}
    headline = SearchHeadline(
        "body_text",
        to_tsquery(query),
        config=CONFIG,
        start_sel=start,
        stop_sel=end,
        max_words=35,
        min_words=20,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    rows = PostSearch.objects.filter(post_id__in=post_ids).annotate(snippet=headline)
    return dict(rows.values_list("post_id", "snippet"))


def write(documents) -> None:
    vector = " || ".join(f"setweight(to_tsvector('{CONFIG}', %s), '{weight}')" for weight in "ABCD")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO blog_postsearch (post_id, document, body_text) VALUES (%s, {vector}, %s)",
            [
                (pk, title, taxonomy, excerpt, body, body)
                for pk, title, taxonomy, excerpt, body in documents
            ],
        )


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    if post_ids is None:
        PostSearch.objects.all().delete()
    elif post_ids:
        PostSearch.objects.filter(post_id__in=post_ids).delete()
