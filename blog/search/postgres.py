"""PostgreSQL's engine: a stored, weighted tsvector with a GIN index, and unaccent."""

import re

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from blog.models import PostSearch, PostSearchHead
from blog.search.query import STOP_WORDS

CONFIG = "blog_english"
PUNCTUATION_IN_WORDS = re.compile(r"(?<=[^\W_])(?:[^\w\s-]|_)+(?=[^\W_])")
# PostgreSQL's text parser reads "<details>" in text as a markup tag and drops the word, in
# the index and in headlines alike: angle brackets are stored as private-use characters
# and given back in snippets.
STORED_BRACKETS = str.maketrans("<>", "\ue000\ue001")
SHOWN_BRACKETS = str.maketrans("\ue000\ue001", "<>")
# Weights of D (body), C (excerpt), B (tags and category) and A (title): a match in a
# heavier part outranks any number of matches in a lighter one.
WEIGHTS = [0.02, 0.1, 0.4, 1.0]
# How many of the newest loose matches a phrase or an exclusion is checked against, in pools.
LOOSE_WINDOW = 2
# How many such windows, newest first, before a phrase with no match is given up.
LOOSE_WINDOWS_READ = 5
BODY_TIER = 3
# The passage of a body looked at first for a snippet, in characters: about 150 words,
# starting about 30 words before the first likely match.
SNIPPET_SCAN = 1000
SNIPPET_LEAD = 200
# Enough characters for the 20 opening words shown when the body holds no match.
SNIPPET_OPENING = 400


def words_apart(text: str) -> str:
    """The text with punctuation inside a word turned into spaces, for to_tsvector.

    PostgreSQL's parser keeps "node.js", "3.11", "example.com" or "a@b.org" whole, as one
    token its English dictionary does not stem; FTS5, and the query parser, see the words
    "node" and "js". Hyphens stay: both engines find a hyphenated word by its parts.
    """
    return PUNCTUATION_IN_WORDS.sub(" ", text)


def tsquery_text(query, weights: str = "", *, loose: bool = False, any_term: bool = False) -> str:
    """The query in to_tsquery's syntax. Words are letters and digits only, so quoting
    them is safe.

    `weights` restricts the words to parts of the document (A title, B tags and category,
    C excerpt) and leaves out the exclusions, which are about the whole document. `loose`
    takes a phrase as its words in any order, without stop words, and leaves out the
    exclusions: a superset of the matches, which the GIN index finds without reading a
    single document. `any_term` asks for any one of the terms (words or phrases), for
    marking them in a snippet.
    """

    def term(term):
        words = term.words
        if loose:
            # A phrase always has a word that is not a stop word (see query.py): a stop word
            # is in nearly every document and would make the index read all of them.
            words = [word for word in words if word not in STOP_WORDS]
        words = [f"'{word}'" + (f":{weights}" if weights else "") for word in words]
        return (" & " if loose else " <-> ").join(words)

    if any_term:
        return " | ".join(f"({term(each)})" for clause in query.clauses for each in clause)
    text = " & ".join("(" + " | ".join(map(term, clause)) + ")" for clause in query.clauses)
    if not (loose or weights):
        text += "".join(f" & !({term(excluded)})" for excluded in query.excluded)
    return text


def scores(query, pool, below) -> tuple[dict[int, tuple], bool]:
    """Candidates published by now (order keys under `below`) with their sort keys, (tier,
    -rank in the tier, -order key), like SQLite's, and whether every match was ranked.

    The tier is the strongest part the whole query matches in: ts_rank adds up body
    matches, so its weights alone cannot keep one title match above many body matches.
    Each tier looks at its newest `pool` matches only. The title, tags and excerpt tiers
    read the small `head` vectors (their own table, so the body tier's scans stay on a
    narrow one); only the body tier's candidates have their whole document read, which is
    where the time goes (a document is kilobytes of TOAST).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner does not count reading a TOASTed document as a cost: left to itself it
        # reads documents one by one (a scan of the table or of the primary key, testing
        # each) where the GIN index alone answers. Each bitmap scan then costs a visit to
        # the small table row of each match, about a microsecond. Parallel workers only add
        # their start-up to these small scans on a busy server. (One round trip for all.)
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
            " SET LOCAL max_parallel_workers_per_gather = 0"
        )
        ranked = _head_tiers(cursor, query, pool, below)
        if query.excluded and ranked:
            # An excluded word may be in a body, which the head tiers did not read.
            cursor.execute(
                "SELECT post_id FROM blog_postsearch"
                " WHERE post_id = ANY(%s) AND NOT document @@ to_tsquery(%s, %s)",
                [list(ranked), CONFIG, tsquery_text(query)],
            )
            for (post_id,) in cursor.fetchall():
                del ranked[post_id]
        if len(ranked) >= pool:
            # Enough title, tag and excerpt matches to fill every ranked place: body matches
            # would all come after them, so no document is read.
            return ranked, False
        matches, complete = _newest_matches(cursor, query, pool, below, ranked)
        for post_id, key, rank in matches:
            if post_id not in ranked:
                ranked[post_id] = (BODY_TIER, -rank, -key)
    return ranked, complete


def _head_tiers(cursor, query, pool, below) -> dict[int, tuple]:
    """The title, tags and excerpt tiers: each post's sort key, in one scan of the index.

    The index is read once for a match in any of the three parts; the newest `pool`
    matches of each part are then picked by counting along the order key, and each post
    goes to the strongest part it was picked for, ranked by its small head vector.
    """
    parts = [tsquery_text(query, weights) for weights in "ABC"]
    cursor.execute(
        "SELECT post_id, tier, key, ts_rank(%s::float4[], head, to_tsquery(%s, %s)) FROM ("
        "  SELECT post_id, key, head, CASE"
        "   WHEN in_a AND count(*) FILTER (WHERE in_a) OVER newest <= %s THEN 0"
        "   WHEN in_b AND count(*) FILTER (WHERE in_b) OVER newest <= %s THEN 1"
        "   WHEN in_c AND count(*) FILTER (WHERE in_c) OVER newest <= %s THEN 2 END AS tier"
        "  FROM (SELECT post_id, key, head, head @@ to_tsquery(%s, %s) AS in_a,"
        "   head @@ to_tsquery(%s, %s) AS in_b, head @@ to_tsquery(%s, %s) AS in_c"
        "   FROM blog_postsearch_head WHERE head @@ to_tsquery(%s, %s) AND key < %s) AS matches"
        "  WINDOW newest AS (ORDER BY key DESC)"
        ") AS tiers WHERE tier IS NOT NULL",
        [
            WEIGHTS, CONFIG, tsquery_text(query),
            pool, pool, pool,
            CONFIG, parts[0], CONFIG, parts[1], CONFIG, parts[2],
            CONFIG, " | ".join(f"({part})" for part in parts), below,
        ],
    )  # fmt: skip
    return {post_id: (tier, -rank, -key) for post_id, tier, key, rank in cursor.fetchall()}


def _newest_matches(cursor, query, pool, below, head_ids) -> tuple[list[tuple], bool]:
    """The newest `pool` posts matching anywhere, as (post id, order key, rank), and
    whether those were all the matches. Posts among `head_ids` are ranked by their head
    vector instead: their documents are not read for a rank.

    A phrase or an exclusion makes PostgreSQL read each candidate document: those are
    checked among the newest loose matches, a few pools at a time, so a phrase of common
    words costs about what a rare word does; older windows are read only while nothing
    has matched yet.
    """
    # Computed over the rows the LIMIT kept, so only their documents are read.
    rank = (
        "CASE WHEN post_id = ANY(%s) THEN NULL"
        " ELSE ts_rank(%s::float4[], document, to_tsquery(%s, %s)) END"
    )
    exact = tsquery_text(query)
    loose = tsquery_text(query, loose=True)
    rank_params = [list(head_ids), WEIGHTS, CONFIG, exact]
    if exact == loose:
        cursor.execute(
            f"SELECT post_id, key, {rank} FROM ("
            " SELECT post_id, key, document FROM blog_postsearch"
            " WHERE document @@ to_tsquery(%s, %s) AND key < %s ORDER BY key DESC LIMIT %s"
            ") AS newest ORDER BY key DESC",
            [*rank_params, CONFIG, exact, below, pool],
        )
        matches = cursor.fetchall()
        return matches, len(matches) < pool
    window = pool * LOOSE_WINDOW
    for start in range(0, window * LOOSE_WINDOWS_READ, window):
        # The window is cut before any document is read; each of its candidates is then
        # checked once (materialized, so the check is not repeated for the rank), and only
        # exact matches are ranked.
        cursor.execute(
            "WITH checked AS MATERIALIZED ("
            " SELECT post_id, key, document, document @@ to_tsquery(%s, %s) AS matched FROM ("
            "  SELECT post_id, key, document FROM blog_postsearch"
            "  WHERE document @@ to_tsquery(%s, %s) AND key < %s"
            "  ORDER BY key DESC LIMIT %s OFFSET %s"
            " ) AS candidates)"
            f" SELECT post_id, key, matched, CASE WHEN matched THEN {rank} END"
            " FROM checked ORDER BY key DESC",
            [CONFIG, exact, CONFIG, loose, below, window, start, *rank_params],
        )
        candidates = cursor.fetchall()
        matches = [(pk, key, rank) for pk, key, matched, rank in candidates if matched][:pool]
        if matches or len(candidates) < window:
            break
    return matches, len(candidates) < window and len(matches) < pool


def id_set(post_ids):
    """These post ids for an `__in` filter, as one array: hundreds of parameters, one per
    id, cost more to build and send than the query takes to run."""
    return RawSQL("SELECT unnest(%s::bigint[])", [post_ids])


def snippets(query, post_ids, start, end) -> dict[int, str]:
    """Each post's best passage of its body, looked for around the first place where one
    of the query's stems starts a word, else in the whole body, with any of the query's
    words or phrases marked (as FTS5's snippet() marks them).

    ts_headline parses and stems every word it is given (a millisecond for a long post),
    where a regular expression finds the first likely match in microseconds. A stem that
    is not how the word starts (happy, happi), an accent or a phrase whose words are apart
    there leave the passage without a match: those posts alone are parsed whole. Marking
    any term rather than the whole query keeps a passage that holds one of three words.
    """
    if not post_ids or not query:
        return {}
    options = ", ".join(
        connection.ops.compose_sql(f"{option}=%s", [value])
        for option, value in [
            ("StartSel", start),
            ("StopSel", end),
            ("MaxWords", 35),
            ("MinWords", 20),
            # One passage, as FTS5's snippet() gives; two cost half as much again for a phrase.
            ("MaxFragments", 1),
        ]
    )
    first_match = (
        "regexp_instr(body_text, '\\m(' || array_to_string(tsvector_to_array("
        "to_tsvector(%(config)s, %(words)s)), '|') || ')', 1, 1, 0, 'i')"
    )
    around_match = _headline(_passage(f"{first_match} - %(lead)s", "%(scan)s"))
    with connection.cursor() as cursor:
        # Materialized, so that each test and each headline is made once.
        cursor.execute(
            "WITH found AS MATERIALIZED ("
            " SELECT post_id, body_text, document @@ to_tsquery(%(config)s, %(in_body)s) AS found"
            " FROM blog_postsearch WHERE post_id = ANY(%(ids)s)"
            "), passages AS MATERIALIZED ("
            f" SELECT post_id, body_text, found, CASE WHEN found THEN {around_match} END AS snippet"
            " FROM found)"
            " SELECT post_id, CASE"
            # No match in the body: its opening words, as a headline of the whole body gives.
            f" WHEN NOT found THEN {_headline(_passage('1', '%(opening)s'))}"
            " WHEN strpos(snippet, %(start)s) > 0 THEN snippet"
            f" ELSE {_headline('body_text')} END"
            " FROM passages",
            {
                "config": CONFIG,
                "words": " ".join(word for word in query.words if word not in STOP_WORDS),
                "lead": SNIPPET_LEAD,
                "scan": SNIPPET_SCAN,
                "opening": SNIPPET_OPENING,
                "query": tsquery_text(query, any_term=True),
                # The query's words in the body (weight D), whatever the rest of the post holds.
                "in_body": tsquery_text(query, "D"),
                "options": options,
                "ids": list(post_ids),
                "start": start,
            },
        )
        return {pk: text.translate(SHOWN_BRACKETS) for pk, text in cursor.fetchall()}


def _headline(text: str) -> str:
    return f"ts_headline(%(config)s, {text}, to_tsquery(%(config)s, %(query)s), %(options)s)"


def _passage(begins: str, length: str) -> str:
    """SQL for `length` characters of the body from `begins` (at least 1), in whole words.

    Half a word could match. Read with a character either side, the passage's first and
    last words are dropped unless those characters are spaces (or the body's ends).
    """
    return (
        f"regexp_replace(substr(' ' || body_text || ' ', greatest(1, {begins}), {length} + 2),"
        " '^\\S*\\s*|\\s*\\S*$', '', 'g')"
    )


def write(documents) -> None:
    vector = " || ".join(f"setweight(to_tsvector('{CONFIG}', %s), '{weight}')" for weight in "ABCD")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO blog_postsearch (post_id, key, document, body_text)"
            f" VALUES (%s, %s, {vector}, %s)",
            [
                (
                    pk,
                    key,
                    *(words_apart(text).translate(STORED_BRACKETS) for text in texts),
                    texts[-1].translate(STORED_BRACKETS),
                )
                for pk, key, *texts in documents
            ],
        )
        # Weights A, B and C are the title, the tags and category, and the excerpt.
        cursor.execute(
            "INSERT INTO blog_postsearch_head (post_id, key, head)"
            " SELECT post_id, key, ts_filter(document, '{a,b,c}') FROM blog_postsearch"
            " WHERE post_id = ANY(%s)",
            [[pk for pk, *_ in documents]],
        )


def compact() -> None:
    """Move the GIN indexes' pending entries into their trees: a bulk load leaves up to
    4 MB of them (gin_pending_list_limit), which every search reads one by one until
    autovacuum comes by (a tenth of a head-tier scan became the whole of it)."""
    with connection.cursor() as cursor:
        for index in ("blog_postsearch_document", "blog_postsearch_head_head"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    for model in (PostSearchHead, PostSearch):
        if post_ids is None:
            model.objects.all().delete()
        elif post_ids:
            model.objects.filter(post_id__in=post_ids).delete()
