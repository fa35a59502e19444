"""SQLite's engine: an FTS5 table (porter stemming, diacritics removed) ranked with bm25."""

from django.db import connection

from blog.search.query import SearchQuery, Term

# bm25 weights of the columns title, taxonomy (tags and category), excerpt, body.
WEIGHTS = "10.0, 5.0, 2.0, 1.0"
BODY_COLUMN = 3


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
    return '"' + " ".join(word.replace('"', '""') for word in term.words) + '"'


def ranked_ids(query, *, category_id, tag_id, limit) -> list[int]:
    sql = [
        "SELECT fts.rowid FROM blog_post_fts AS fts JOIN blog_post AS post ON post.id = fts.rowid",
        "WHERE blog_post_fts MATCH %s",
    ]
    params = [match_expression(query)]
    if category_id is not None:
        sql.append("AND post.category_id = %s")
        params.append(category_id)
    if tag_id is not None:
        sql.append(
            "AND EXISTS (SELECT 1 FROM blog_taggedpost AS tagged"
            " WHERE tagged.content_object_id = post.id AND tagged.tag_id = %s)"
        )
        params.append(tag_id)
    sql.append(f"ORDER BY bm25(blog_post_fts, {WEIGHTS}), post.published_at DESC LIMIT %s")
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(" ".join(sql), params)
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
            documents,
        )


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    with connection.cursor() as cursor:
        if post_ids is None:
            cursor.execute("DELETE FROM blog_post_fts")
        elif post_ids:
            placeholders = ", ".join(["%s"] * len(post_ids))
            cursor.execute(f"DELETE FROM blog_post_fts WHERE rowid IN ({placeholders})", post_ids)
