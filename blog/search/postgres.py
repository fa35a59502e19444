"""PostgreSQL's engine: a stored, weighted tsvector with a GIN index, and unaccent."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from blog.models import PostSearch
from blog.search.ranking import rank_published

CONFIG = "blog_english"
# PostgreSQL's text parser reads "<details>" in text as a markup tag and drops the word, in
# the index and in headlines alike: angle brackets are stored as private-use characters
# and given back in snippets.
STORED_BRACKETS = str.maketrans("<>", "\ue000\ue001")
SHOWN_BRACKETS = str.maketrans("\ue000\ue001", "<>")
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


def weighted_tsquery(query, weights: str) -> SearchQuery:
    """The query's words restricted to parts of the document (A title, B tags and category,
    C excerpt). Words are letters and digits only, so quoting them is safe; a phrase is
    taken as its words, since this only sorts matches of the exact query into tiers."""

    def term(term):
        return " & ".join(f"'{word}':{weights}" for word in term.words)

    text = " & ".join("(" + " | ".join(map(term, clause)) + ")" for clause in query.clauses)
    return SearchQuery(text, search_type="raw", config=CONFIG)


def ranked_ids(query, *, category_id, tag_id, limit, pool) -> list[int]:
    """Published matches, best first, as (tier, rank in the tier, newest), like SQLite's.

    The tier is the strongest part the whole query matches in: ts_rank adds up body
    matches, so its weights alone cannot keep one title match above many body matches.
    Each tier looks at its newest `pool` matches only.
    """
    tsquery = to_tsquery(query)
    narrowed = category_id is not None or tag_id is not None
    pool = pool * 5 if narrowed else pool
    tiers = {}
    for tier, candidates in enumerate([*(weighted_tsquery(query, w) for w in "ABC"), tsquery]):
        newest = (
            PostSearch.objects.filter(document=candidates)
            .filter(document=tsquery)
            .order_by("-post_id")
            .values_list("post_id", flat=True)[:pool]
        )
        for post_id in newest:
            tiers.setdefault(post_id, tier)
    # Ranked once, for the candidates only: ts_rank reads each whole document.
    ranks = PostSearch.objects.filter(post_id__in=list(tiers)).annotate(
        rank=SearchRank(F("document"), tsquery, weights=WEIGHTS)
    )
    scores = {
        post_id: (tiers[post_id], -rank) for post_id, rank in ranks.values_list("post_id", "rank")
    }
    return rank_published(scores, category_id=category_id, tag_id=tag_id, limit=limit)


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
    return {
        pk: text.translate(SHOWN_BRACKETS) for pk, text in rows.values_list("post_id", "snippet")
    }


def write(documents) -> None:
    vector = " || ".join(f"setweight(to_tsvector('{CONFIG}', %s), '{weight}')" for weight in "ABCD")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO blog_postsearch (post_id, document, body_text) VALUES (%s, {vector}, %s)",
            [
                (pk, *(text.translate(STORED_BRACKETS) for text in (*texts, texts[-1])))
                for pk, *texts in documents
            ],
        )


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    if post_ids is None:
        PostSearch.objects.all().delete()
    elif post_ids:
        PostSearch.objects.filter(post_id__in=post_ids).delete()
