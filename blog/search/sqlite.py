"""SQLite's engine: an FTS5 table (porter stemming, diacritics removed) ranked with bm25."""

from django.db import connection

from blog.search.query import SearchQuery, Term
from blog.search.ranking import rank_published

# bm25 weights of the columns title, taxonomy (tags and category), excerpt, body, for the order
# within a tier (see ranked_ids).
WEIGHTS = "100.0, 20.0, 4.0, 1.0"
BODY_COLUMN = 3


# Letters that FTS5's remove_diacritics leaves alone (they are not a base letter plus an
# accent) but PostgreSQL's unaccent folds: folded here, in the text and in queries alike.
# Snippets then show the folded letter.
FOLDED_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
        "ŧ": "t", "Ŧ": "T", "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ß": "ss", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    }
)  # fmt: skip


# bm25 weighs a field's matches before it saturates, so weights alone cannot promise that
# one title match beats twenty body matches. Posts are sorted first by the strongest field
# the whole query matches in (a tier), then by bm25 within it.
TIERED_COLUMNS = ("title", "taxonomy", "excerpt")


def _quoted(term: Term) -> str:
    words = (word.translate(FOLDED_LETTERS).replace('"', '""') for word in term.words)
    return '"' + " ".join(words) + '"'


def match_expression(query: SearchQuery, column: str | None = None) -> str:
    """The FTS5 query, or with `column` the same query with its words required in that column.

    Every term is a quoted string, so nothing a reader typed is FTS5 syntax.
    """
    expression = " AND ".join(
        "(" + " OR ".join(_quoted(term) for term in clause) + ")" for clause in query.clauses
    )
    if column:
        expression = f"{{{column}}} : ({expression})"
    for term in query.excluded:
        expression = f"({expression}) NOT {_quoted(term)}"
    return expression


def ranked_ids(query, *, category_id, tag_id, limit, pool) -> list[int]:
    """Published matches, best first, as (tier, bm25 in the tier, newest).

    Each tier looks at its newest `pool` matches only: the title, tag and category, and
    excerpt tiers, then the body tier from the newest matches anywhere. A word found in
    half the archive then costs little more than a rare one. (A rowid filter inside an
    FTS5 query would run the match once per row, so narrowing and the published test
    happen on the candidates afterwards.)
    """
    narrowed = category_id is not None or tag_id is not None
    pool = pool * 5 if narrowed else pool
    scores = {}
    tiers = [match_expression(query, column) for column in TIERED_COLUMNS]
    with connection.cursor() as cursor:
        for tier, expression in enumerate([*tiers, match_expression(query)]):
            cursor.execute(
                f"SELECT rowid, bm25(blog_post_fts, {WEIGHTS}) FROM blog_post_fts"
                " WHERE blog_post_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [expression, pool],
            )
            for rowid, score in cursor.fetchall():
                scores.setdefault(rowid, (tier, score))
    return rank_published(scores, category_id=category_id, tag_id=tag_id, limit=limit)


def snippets(query, post_ids, start, end) -> dict[int, str]:
    if not post_ids or not query:
        return {}
    placeholders = ", ".join(["%s"] * len(post_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet(blog_post_fts, {BODY_COLUMN}, %s, %s, '…', 32)"
            f" FROM blog_post_fts WHERE blog_post_fts MATCH %s AND rowid IN ({placeholders})",
            [start, end, match_expression(query), *post_ids],
        )
        return dict(cursor.fetchall())


def write(documents) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO blog_post_fts (rowid, title, taxonomy, excerpt, body)"
            " VALUES (%s, %s, %s, %s, %s)",
            [(pk, *(text.translate(FOLDED_LETTERS) for text in texts)) for pk, *texts in documents],
        )


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    with connection.cursor() as cursor:
        if post_ids is None:
            cursor.execute("DELETE FROM blog_post_fts")
        elif post_ids:
            placeholders = ", ".join(["%s"] * len(post_ids))
            cursor.execute(f"DELETE FROM blog_post_fts WHERE rowid IN ({placeholders})", post_ids)
