"""PostgreSQL's engine: a stored, weighted tsvector with a GIN index, and unaccent."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F

from blog.models import PostSearch, PostSearchHead
from blog.search.query import STOP_WORDS

CONFIG = "blog_english"
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


def tsquery_text(query, weights: str = "", *, loose: bool = False) -> str:
    """The query in to_tsquery's syntax. Words are letters and digits only, so quoting
    them is safe.

    `weights` restricts the words to parts of the document (A title, B tags and category,
    C excerpt) and leaves out the exclusions, which are about the whole document. `loose`
    takes a phrase as its words in any order, without stop words, and leaves out the
    exclusions: a superset of the matches, which the GIN index finds without reading a
    single document.
    """

    def term(term):
        words = term.words
        if loose:
            # A phrase always has a word that is not a stop word (see query.py): a stop word
            # is in nearly every document and would make the index read all of them.
            words = [word for word in words if word not in STOP_WORDS]
        words = [f"'{word}'" + (f":{weights}" if weights else "") for word in words]
        return (" & " if loose else " <-> ").join(words)

    text = " & ".join("(" + " | ".join(map(term, clause)) + ")" for clause in query.clauses)
    if not (loose or weights):
        text += "".join(f" & !({term(excluded)})" for excluded in query.excluded)
    return text


def to_tsquery(query, weights: str = "", *, loose: bool = False) -> SearchQuery:
    return SearchQuery(tsquery_text(query, weights, loose=loose), search_type="raw", config=CONFIG)


def scores(query, pool) -> tuple[dict[int, tuple], bool]:
    """Candidates with their sort keys, (tier, -rank in the tier), like SQLite's, and
    whether every match was ranked.

    The tier is the strongest part the whole query matches in: ts_rank adds up body
    matches, so its weights alone cannot keep one title match above many body matches.
    Each tier looks at its newest `pool` matches only. The title, tags and excerpt tiers
    read the small `head` vectors (their own table, so the body tier's scans stay on a
    narrow one); only the body tier's candidates have their whole document read, which is
    where the time goes (a document is kilobytes of TOAST).
    """
    tiers = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner does not count reading a TOASTed document as a cost: left to itself it
        # reads documents one by one (a scan of the table or of the primary key, testing
        # each) where the GIN index alone answers. Each bitmap scan then costs a visit to
        # the small table row of each match, about a microsecond.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for tier, weights in enumerate("ABC"):
            for post_id in _newest(PostSearchHead, head=to_tsquery(query, weights))[:pool]:
                tiers.setdefault(post_id, tier)
        body_ids, complete = _newest_matches(query, pool)
        for post_id in body_ids:
            tiers.setdefault(post_id, BODY_TIER)
        head_ids = [post_id for post_id, tier in tiers.items() if tier < BODY_TIER]
        if query.excluded:
            # An excluded word may be in a body, which the head tiers did not read.
            mismatched = PostSearch.objects.filter(post_id__in=head_ids).exclude(
                document=to_tsquery(query)
            )
            for post_id in mismatched.values_list("post_id", flat=True):
                del tiers[post_id]
        ranked = {}
        # Ranked once, for the candidates only; the head tiers by their small vector.
        for model, vector, tier_ids in (
            (PostSearchHead, "head", head_ids),
            (PostSearch, "document", body_ids),
        ):
            ranks = model.objects.filter(
                post_id__in=[post_id for post_id in tier_ids if post_id in tiers]
            ).annotate(rank=SearchRank(F(vector), to_tsquery(query), weights=WEIGHTS))
            for post_id, rank in ranks.values_list("post_id", "rank"):
                ranked[post_id] = (tiers[post_id], -rank)
    return ranked, complete


def _newest(model, **match):
    """Post ids matching, newest first by order key (publication time, then id)."""
    return model.objects.filter(**match).order_by("-key").values_list("post_id", flat=True)


def _newest_matches(query, pool) -> tuple[list[int], bool]:
    """The newest `pool` posts matching anywhere, and whether those were all the matches.

    A phrase or an exclusion makes PostgreSQL read each candidate document: those are
    checked among the newest loose matches, a few pools at a time, so a phrase of common
    words costs about what a rare word does; older windows are read only while nothing
    has matched yet.
    """
    if tsquery_text(query) == tsquery_text(query, loose=True):
        matches = list(_newest(PostSearch, document=to_tsquery(query))[:pool])
        return matches, len(matches) < pool
    window = pool * LOOSE_WINDOW
    loose = _newest(PostSearch, document=to_tsquery(query, loose=True))
    for start in range(0, window * LOOSE_WINDOWS_READ, window):
        candidates = list(loose[start : start + window])
        matches = _exact_matches(query, candidates, pool)
        if matches or len(candidates) < window:
            break
    return matches, len(candidates) < window and len(matches) < pool


def _exact_matches(query, candidates, pool) -> list[int]:
    # Materialized first, so the planner reads these documents by key rather than
    # rechecking every document the GIN index proposes for the phrase.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH candidates AS MATERIALIZED ("
            " SELECT post_id, key, document FROM blog_postsearch WHERE post_id = ANY(%s))"
            " SELECT post_id FROM candidates WHERE document @@ to_tsquery(%s, %s)"
            " ORDER BY key DESC LIMIT %s",
            [candidates, CONFIG, tsquery_text(query), pool],
        )
        return [post_id for (post_id,) in cursor.fetchall()]


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
        # One passage, as FTS5's snippet() gives; two cost half as much again for a phrase.
        max_fragments=1,
    )
    rows = PostSearch.objects.filter(post_id__in=post_ids).annotate(snippet=headline)
    return {
        pk: text.translate(SHOWN_BRACKETS) for pk, text in rows.values_list("post_id", "snippet")
    }


def write(documents) -> None:
    vector = " || ".join(f"setweight(to_tsvector('{CONFIG}', %s), '{weight}')" for weight in "ABCD")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO blog_postsearch (post_id, key, document, body_text)"
            f" VALUES (%s, %s, {vector}, %s)",
            [
                (pk, key, *(text.translate(STORED_BRACKETS) for text in (*texts, texts[-1])))
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


def delete(post_ids) -> None:
    """Remove these posts from the index, or every post when `post_ids` is None."""
    for model in (PostSearchHead, PostSearch):
        if post_ids is None:
            model.objects.all().delete()
        elif post_ids:
            model.objects.filter(post_id__in=post_ids).delete()
