"""SQLite's engine: an FTS5 table (porter stemming, diacritics removed) ranked with bm25."""

from django.db import connection
from django.utils import timezone

from blog.search.query import SearchQuery, Term

# bm25 weights of the columns title, taxonomy (tags and category), excerpt, body. bm25 gives a
# match at most 2.2 times the score of a single one, so each step is worth more than that.
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
# one title match beats twenty body matches. Posts are first sorted by the strongest field
# the whole query matches in, then by bm25 within it.
TIERED_COLUMNS = ("title", "taxonomy", "excerpt")
TIER = (
    "CASE "
    + " ".join(
        f"WHEN fts.rowid IN (SELECT rowid FROM blog_post_fts WHERE blog_post_fts MATCH %s) THEN {i}"
        for i in range(len(TIERED_COLUMNS))
    )
    + f" ELSE {len(TIERED_COLUMNS)} END"
)


def match_expression(query: SearchQuery) -> str:
    """The FTS5 query; every term is a quoted string, so nothing typed is FTS5 syntax."""
    clauses = [
        "(" + " OR ".join(_quoted(term) for term in clause) + ")" for clause in query.clauses
    ]
    expression = " AND ".join(clauses)
    for term in query.excluded:
        expression = f"({expression}) NOT {_quoted(term)}"
    return expression


def _quoted(term: Term) -> str:
    words = (word.translate(FOLDED_LETTERS).replace('"', '""') for word in term.words)
    return '"' + " ".join(words) + '"'


def ranked_ids(query, *, category_id, tag_id, limit, pool) -> list[int]:
    """Published matches, best first: bm25 over the newest `pool` matches and the newest
    `pool` matches in a title, tag or category, then newer first on ties."""
    match = match_expression(query)
    strong = f"{{title taxonomy}} : ({match})"
    narrowing, narrowing_params = "", []
    if category_id is not None:
        narrowing += " AND rowid IN (SELECT id FROM blog_post WHERE category_id = %s)"
        narrowing_params.append(category_id)
    if tag_id is not None:
        narrowing += (
            " AND rowid IN (SELECT content_object_id FROM blog_taggedpost WHERE tag_id = %s)"
        )
        narrowing_params.append(tag_id)
    candidates = (
        f"SELECT rowid FROM blog_post_fts WHERE blog_post_fts MATCH %s{narrowing}"
        " ORDER BY rowid DESC LIMIT %s"
    )
    # The status and date test repeats Post.objects.published() for speed; the page's posts
    # are fetched through published() again, so a post that is not public is never shown.
    sql = f"""
        SELECT fts.rowid FROM blog_post_fts AS fts JOIN blog_post AS post ON post.id = fts.rowid
        WHERE blog_post_fts MATCH %s
          AND fts.rowid IN (
              SELECT rowid FROM ({candidates}) UNION SELECT rowid FROM ({candidates})
          )
          AND post.status = 'published' AND post.published_at <= %s
        ORDER BY {TIER}, bm25(blog_post_fts, {WEIGHTS}), post.published_at DESC
        LIMIT %s
    """
    params = [
        match,
        match, *narrowing_params, pool,
        strong, *narrowing_params, pool,
        timezone.now(),
        *(f"{{{column}}} : ({match})" for column in TIERED_COLUMNS),
        limit,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


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
