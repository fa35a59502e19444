"""SQLite's engine: FTS5 tables (porter stemming, diacritics removed) ranked with bm25.

Two tables hold the text: blog_post_fts every part of a post, for matches anywhere and
for snippets, and blog_post_fts_head only the title, the tags and category, and the
excerpt. Finding the matches in those parts then never walks the long position lists of
the bodies (with one table, the phrase "the river" in titles reads every body's "the").
"""

from django.db import connection

from blog.search.query import STOP_WORDS, SearchQuery, Term

FULL, HEAD = "blog_post_fts", "blog_post_fts_head"
# Which post each FTS row is: the rows are numbered by order key, not by post id.
KEYS = "blog_post_fts_key"
# bm25 weights of the columns title, taxonomy (tags and category), excerpt, body, for the order
# within a tier (see scores).
WEIGHTS = {FULL: "100.0, 20.0, 4.0, 1.0", HEAD: "100.0, 20.0, 4.0"}
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


def scores(query, pool, below) -> tuple[dict[int, tuple], bool]:
    """Candidates published by now (order keys under `below`) with their sort keys, (tier,
    bm25 in the tier, -order key), and whether every match was ranked.

    Each tier looks at its newest `pool` matches only: the title, tag and category, and
    excerpt tiers, then the body tier from the newest matches anywhere. A word found in
    half the archive then costs little more than a rare one. The FTS rowids are order
    keys (publication time, then id: see blog.search.order_key), so "newest" is the
    order FTS5 reads them in, and a bound on the rowid narrows its reading.
    """
    ranked = {}
    with connection.cursor() as cursor:
        for tier, column in enumerate(TIERED_COLUMNS):
            rows = _newest(cursor, HEAD, match_expression(query, column), below, pool)
            for key, score in rows:
                ranked.setdefault(key, (tier, score, -key))
        if query.excluded and ranked:
            # The head table cannot see an excluded word in a body.
            cursor.execute(
                f"SELECT rowid FROM {FULL} WHERE {FULL} MATCH %s AND rowid BETWEEN %s AND %s",
                [" OR ".join(map(_quoted, query.excluded)), min(ranked), max(ranked)],
            )
            for (key,) in cursor.fetchall():
                ranked.pop(key, None)
        if len(ranked) >= pool:
            # Enough title, tag and excerpt matches to fill every ranked place: body matches
            # would all come after them, so the body tier is not read.
            complete = False
        else:
            # bm25 weighs a phrase by how many rows hold it, which it counts by reading the
            # phrase's words in every body: for "the river", the position lists of "the"
            # everywhere (three quarters of the search at 100,000 posts). Body matches of
            # such a phrase come newest first.
            weighed = not _has_a_common_phrase(query)
            rows = _newest(cursor, FULL, match_expression(query), below, pool, bm25=weighed)
            for key, score in rows:
                ranked.setdefault(key, (len(TIERED_COLUMNS), score, -key))
            # The body tier sees every match: when it was cut, so was the result.
            complete = len(rows) < pool
        post_ids = _key_map(cursor, "key", list(ranked))
    return {post_ids[key]: score for key, score in ranked.items() if key in post_ids}, complete


def _newest(cursor, table, expression, below, pool, *, bm25=True) -> list[tuple]:
    """(order key, bm25 score) of the newest `pool` matches in `table` below the key `below`."""
    score = f"bm25({table}, {WEIGHTS[table]})" if bm25 else "0.0"
    cursor.execute(
        f"SELECT rowid, {score} FROM {table}"
        f" WHERE {table} MATCH %s AND rowid < %s ORDER BY rowid DESC LIMIT %s",
        [expression, below, pool],
    )
    return cursor.fetchall()


def _has_a_common_phrase(query) -> bool:
    """Whether a phrase of the query holds a stop word (a word in nearly every post)."""
    terms = [term for clause in query.clauses for term in clause]
    return any(len(term.words) > 1 and STOP_WORDS.intersection(term.words) for term in terms)


def id_set(post_ids):
    """These post ids for an `__in` filter."""
    return post_ids


def snippets(query, post_ids, start, end) -> dict[int, str]:
    if not post_ids or not query:
        return {}
    with connection.cursor() as cursor:
        keys = _key_map(cursor, "post_id", post_ids)
        if not keys:
            return {}
        placeholders = ", ".join(["%s"] * len(keys))
        cursor.execute(
            f"SELECT rowid, snippet({FULL}, {BODY_COLUMN}, %s, %s, '…', 32)"
            f" FROM {FULL} WHERE {FULL} MATCH %s AND rowid IN ({placeholders})",
            [start, end, match_expression(query), *keys],
        )
        return {keys[key]: snippet for key, snippet in cursor.fetchall()}


def write(documents) -> None:
    # In rowid order: FTS5 writes its pending terms out as a new segment whenever a rowid is
    # not above the last one, so a batch in random order cost a segment (and merges) a post.
    documents = sorted(documents, key=lambda document: document[1])
    rows = [
        (key, *(text.translate(FOLDED_LETTERS) for text in texts)) for _, key, *texts in documents
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FULL} (rowid, title, taxonomy, excerpt, body)"
            " VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO {HEAD} (rowid, title, taxonomy, excerpt) VALUES (%s, %s, %s, %s)",
            [row[:4] for row in rows],
        )
        cursor.executemany(
            f"INSERT INTO {KEYS} (post_id, key) VALUES (%s, %s)",
            [(pk, key) for pk, key, *_ in documents],
        )


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    with connection.cursor() as cursor:
        if post_ids is None:
            for table in (FULL, HEAD, KEYS):
                cursor.execute(f"DELETE FROM {table}")
            return
        keys = list(_key_map(cursor, "post_id", post_ids))
        for table, column, values in (
            (FULL, "rowid", keys),
            (HEAD, "rowid", keys),
            (KEYS, "post_id", post_ids),
        ):
            if values:
                placeholders = ", ".join(["%s"] * len(values))
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", values)


def compact() -> None:
    """Merge each FTS5 table's segments into one ('optimize'): a bulk load leaves dozens,
    and a query reads each word's list in every one of them."""
    with connection.cursor() as cursor:
        for table in (FULL, HEAD):
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


def _key_map(cursor, column: str, values) -> dict[int, int]:
    """Order key -> post id of the indexed posts whose `column` ("key" or "post_id") is
    among `values`."""
    if not values:
        return {}
    placeholders = ", ".join(["%s"] * len(values))
    cursor.execute(f"SELECT key, post_id FROM {KEYS} WHERE {column} IN ({placeholders})", values)
    return dict(cursor.fetchall())
