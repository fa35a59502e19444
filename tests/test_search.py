"""Full-text search, as readers use it: the same cases on SQLite (FTS5) and PostgreSQL."""

import datetime
import html
import io
import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog import search
from blog.models import Category, Post, Tag, TaggedPost
from blog.search import postgres
from blog.search.query import MAX_QUERY_LENGTH, MAX_TERMS, clean, parse

HOUR = datetime.timedelta(hours=1)
RESULT_TITLE = re.compile(r'<h2 class="post-card__title"><a href="[^"]*">(.*?)</a></h2>', re.DOTALL)
SNIPPET = re.compile(r'<p class="search-result__snippet">(.*?)</p>', re.DOTALL)
ECHOED_QUERY = re.compile(r'<input id="search-q"[^>]*\bvalue="([^"]*)"')
NEXT_PAGE = re.compile(r'<a href="([^"]*)" rel="next"')


@pytest.fixture(autouse=True)
def fresh_cache():
    # The locmem cache outlives a test: searches counted by earlier tests must not
    # use up this test's rate-limit budget.
    cache.clear()


# Helpers ---------------------------------------------------------------------------------------


def search_response(client, q=None, **params):
    if q is not None:
        params["q"] = q
    return client.get(reverse("blog:search"), params)


def search_page(client, q=None, **params) -> str:
    """The HTML of the search page, asserting it answered 200."""
    response = search_response(client, q, **params)
    assert response.status_code == 200, f"search answered {response.status_code}"
    return response.content.decode()


def result_titles(client, q, **params) -> list[str]:
    """Titles of the results on the page, in the order shown."""
    return [
        html.unescape(title) for title in RESULT_TITLE.findall(search_page(client, q, **params))
    ]


def snippets(client, q) -> list[str]:
    """The snippets' HTML, as the page carries it."""
    return SNIPPET.findall(search_page(client, q))


def found(text: str) -> list[str]:
    """Titles that search_posts finds for `text`, best first (no view involved)."""
    return [post.title for post in search.search_posts(parse(text))]


def still_indexed(post_id: int, text: str) -> bool:
    """Whether the index itself holds this post under `text`; results never show deleted posts."""
    return post_id in search.engine().snippets(parse(text), [post_id], "[", "]")


def without_marks(snippet: str) -> str:
    return snippet.replace("<mark>", "").replace("</mark>", "")


def describe(query) -> str:
    """A parsed query written back compactly: (a | b) for OR, "a b" for phrases, -x for excluded."""

    def term(term):
        return '"' + " ".join(term.words) + '"' if term.is_phrase else term.words[0]

    def clause(clause):
        terms = [term(t) for t in clause]
        return "(" + " | ".join(terms) + ")" if len(terms) > 1 else terms[0]

    return " ".join([*map(clause, query.clauses), *("-" + term(t) for t in query.excluded)])


# Fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def hours_ago():
    now = timezone.now()
    return lambda hours: now - hours * HOUR


@pytest.fixture
def runner_post(make_post):
    return make_post(title="Morning notes", body="I run along the river before work.")


@pytest.fixture
def cafe_post(make_post):
    return make_post(title="Corner café reopens", body="Coffee and cake by the harbour.")


@pytest.fixture
def plain_cafe_post(make_post):
    return make_post(title="Cafe culture", body="Written without accents on purpose.")


@pytest.fixture
def open_source_post(make_post):
    return make_post(title="Licences", body="Why open source matters to small newsrooms.")


@pytest.fixture
def scattered_words_post(make_post):
    return make_post(
        title="Newsroom tools",
        body="The source of the story was an interview; the door was open all along.",
    )


@pytest.fixture
def python_posts(make_post):
    make_post(title="Python and Django", body="Building sites with python and django.")
    make_post(title="Python and Flask", body="Building sites with python and flask.")


@pytest.fixture
def pet_posts(make_post):
    make_post(title="Cats at home", body="Living with cats.")
    make_post(title="Dogs at home", body="Living with dogs.")
    make_post(title="Birds at home", body="Living with birds.")


@pytest.fixture
def one_match_per_field(request, make_post, hours_ago):
    """Four posts with "zephyr" in exactly one field each, the weakest match the newest.

    Every field has the same length in every post, so only the field that matches
    can decide the order. The taxonomy match is a tag or the category name.
    """
    taxonomy = request.param

    def post(title, excerpt, body, word, hours):
        filing = (
            {"tags": [word]}
            if taxonomy == "tag"
            else {"category": Category.objects.create(name=word, slug=word.lower())}
        )
        make_post(title=title, excerpt=excerpt, body=body, published_at=hours_ago(hours), **filing)

    post("Zephyr notes", "A lede about nothing", "A body about nothing", "Alpha", 4)
    post("Taxonomy notes", "A lede about nothing", "A body about nothing", "Zephyr", 3)
    post("Excerpt notes", "A lede about zephyr", "A body about nothing", "Gamma", 2)
    post("Body notes", "A lede about nothing", "A body about zephyr", "Delta", 1)


@pytest.fixture
def equally_good_matches(make_post, hours_ago):
    # Created out of date order, so neither insertion order nor its reverse is newest first.
    for title, hours in [("Middle notes", 2), ("Newest notes", 1), ("Oldest notes", 3)]:
        make_post(
            title=title,
            excerpt="Same lede",
            body="Same body about zephyr",
            published_at=hours_ago(hours),
        )


@pytest.fixture
def harbour_post(make_post):
    return make_post(title="Harbour bridge", body="The old harbour bridge reopens after repairs.")


@pytest.fixture
def zeppelin_post(make_post, category):
    return make_post(
        title="Airship hangar", body="A short note.", category=category, tags=["Dirigibles"]
    )


@pytest.fixture
def wiped_index(zeppelin_post):
    zeppelin_post.title = "Zeppelin hangar"
    zeppelin_post.save()
    search.engine().delete(None)
    assert found("zeppelin") == [], "the index was not wiped"


@pytest.fixture
def filed_harbour_posts(make_post, category):
    other = Category.objects.create(name="Travel", slug="travel")
    make_post(title="Harbour in the news", body="harbour", category=category, tags=["Bridges"])
    make_post(title="Harbour for travellers", body="harbour", category=other, tags=["Ferries"])


@pytest.fixture
def eleven_lantern_posts(make_post, hours_ago):
    for n in range(11):
        make_post(
            title=f"Lantern festival {n}", body="Paper lanterns.", published_at=hours_ago(n + 1)
        )


@pytest.fixture
def search_budget_of_three(db, settings):
    """Three searches a minute per address, with the whole test inside one minute."""
    settings.SEARCH_RATE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 0
    if time.time() % 60 > 57:
        time.sleep(60 - time.time() % 60 + 0.1)
    cache.clear()
    return settings


def search_from(client, address):
    return client.get(reverse("blog:search"), {"q": "harbour"}, REMOTE_ADDR=address)


# What matches ------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["running", "runs"])
def test_stemming_finds_other_forms_of_a_word(client, runner_post, q):
    assert result_titles(client, q) == ["Morning notes"]


@pytest.mark.parametrize(
    ("body", "q"),
    [
        ("We ship Node.js daily.", "node.js"),
        ("We ship Node.js daily.", "node"),
        ("Python 3.11 is out.", "3.11"),
        ("Write to news@example.com today.", "example"),
        ("See example.com/about for more.", "example.com"),
        ("Set snake_case names.", "snake"),
    ],
)
def test_words_joined_by_punctuation_are_found_by_their_parts(make_post, body, q):
    make_post(title="Release notes", body=body)
    assert found(q) == ["Release notes"]


def test_unaccented_query_finds_accented_text(client, cafe_post):
    assert result_titles(client, "cafe") == ["Corner café reopens"]


@pytest.mark.parametrize(("text", "q"), [("Łódź", "lodz"), ("Søren", "soren")])
def test_letters_with_strokes_match_their_plain_letter(client, make_post, text, q):
    make_post(title=f"Letters from {text}")
    assert result_titles(client, q) == [f"Letters from {text}"]


def test_accented_query_finds_unaccented_text(client, plain_cafe_post):
    assert result_titles(client, "café") == ["Cafe culture"]


@pytest.mark.parametrize("q", ["HARBOUR", "hArBoUr"])
def test_search_ignores_letter_case(client, harbour_post, q):
    assert result_titles(client, q) == ["Harbour bridge"]


def test_phrase_finds_the_words_in_a_row(client, open_source_post, scattered_words_post):
    assert result_titles(client, '"open source"') == ["Licences"]


def test_words_without_quotes_match_anywhere(client, open_source_post, scattered_words_post):
    assert set(result_titles(client, "open source")) == {"Licences", "Newsroom tools"}


def test_minus_excludes_a_word(client, python_posts):
    assert result_titles(client, "python -django") == ["Python and Flask"]


def test_a_word_excluded_from_the_body_hides_a_title_match(client, make_post):
    make_post(title="Harbour walks", body="Bring a flask of tea.")
    make_post(title="Harbour trains", body="Timetables only.")
    assert result_titles(client, "harbour -flask") == ["Harbour trains"]


def test_a_phrase_in_the_title_ranks_as_a_title_match(client, make_post):
    now = timezone.now()
    make_post(title="Open source newsroom", published_at=now - timezone.timedelta(days=3))
    make_post(title="Tools", body="We like open source.", published_at=now)
    assert result_titles(client, '"open source"') == ["Open source newsroom", "Tools"]


def test_a_phrase_with_a_common_word_ranks_the_title_first_then_the_newest(client, make_post):
    now = timezone.now()
    for days, title in [(5, "Older notes"), (1, "Newer notes"), (3, "Down the river")]:
        body = "We walked down the river path." if "notes" in title else "Boats."
        make_post(title=title, body=body, published_at=now - timezone.timedelta(days=days))
    assert result_titles(client, '"the river"') == ["Down the river", "Newer notes", "Older notes"]


def test_words_of_a_phrase_apart_in_the_title_are_not_a_phrase_match(client, make_post):
    make_post(title="Source code is open", body="Nothing else.")
    assert "No posts match" in search_page(client, '"open source"')


def test_or_finds_either_word(client, pet_posts):
    assert set(result_titles(client, "cats OR dogs")) == {"Cats at home", "Dogs at home"}


def test_every_plain_word_must_match(client, pet_posts):
    assert "No posts match" in search_page(client, "cats dogs")


@pytest.mark.parametrize(
    ("where", "q"),
    [
        ("title", "lighthouse"),
        ("excerpt", "lighthouse"),
        ("body", "lighthouse"),
        ("tag", "machine learning"),
        ("tag", '"machine learning"'),
        ("category", "astronomy"),
    ],
)
def test_search_covers_every_field(client, make_post, where, q):
    fields = {
        "title": {"title": "Lighthouse keepers"},
        "excerpt": {"excerpt": "A night at the lighthouse."},
        "body": {"body": "We climbed the lighthouse stairs."},
        "tag": {"tags": ["Machine Learning"]},
        "category": {"category": Category.objects.create(name="Astronomy", slug="astronomy")},
    }[where]
    make_post(**{"title": "The match", **fields})
    make_post(title="Unrelated", body="Nothing to see.")
    assert result_titles(client, q) == [fields.get("title", "The match")]


# Ranking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("one_match_per_field", ["tag", "category"], indirect=True)
def test_title_outranks_taxonomy_outranks_excerpt_outranks_body(client, one_match_per_field):
    assert result_titles(client, "zephyr") == [
        "Zephyr notes",
        "Taxonomy notes",
        "Excerpt notes",
        "Body notes",
    ]


@pytest.fixture
def one_strong_match_and_many_body_matches(request, make_post, hours_ago):
    """An older post with "zephyr" once in a stronger field, a newer one with it 20 times
    in the body; every field has the same length in both."""
    field = request.param
    strong = make_post(
        title="Zephyr notes" if field == "title" else "Strong notes",
        tags=["Zephyr" if field == "tag" else "Calm"],
        excerpt="About zephyr" if field == "excerpt" else "About calm",
        body="calm " * 20,
        published_at=hours_ago(2),
    )
    make_post(
        title="Weekly notes",
        tags=["Calm"],
        excerpt="About calm",
        body="zephyr " * 20,
        published_at=hours_ago(1),
    )
    return strong.title


@pytest.mark.parametrize(
    "one_strong_match_and_many_body_matches", ["title", "tag", "excerpt"], indirect=True
)
def test_one_stronger_match_outranks_any_number_of_body_matches(
    client, one_strong_match_and_many_body_matches
):
    strong_title = one_strong_match_and_many_body_matches
    assert result_titles(client, "zephyr") == [strong_title, "Weekly notes"]


def test_equally_good_matches_come_newest_first(client, equally_good_matches):
    assert result_titles(client, "zephyr") == ["Newest notes", "Middle notes", "Oldest notes"]


# Only published posts ------------------------------------------------------------------------


@pytest.mark.parametrize(("hidden_post", "q"), [("draft", "secret"), ("scheduled", "future")])
def test_unpublished_posts_are_never_found(client, request, harbour_post, hidden_post, q):
    request.getfixturevalue(hidden_post)
    assert "No posts match" in search_page(client, q)


def test_draft_is_found_once_published(draft):
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert found("secret") == ["Secret draft"]


def test_scheduled_post_is_found_once_its_time_comes(scheduled, hours_ago):
    scheduled.published_at = hours_ago(1)
    scheduled.save()
    assert found("future") == ["Future news"]


def test_scheduled_post_is_found_when_its_time_comes_without_an_edit(scheduled):
    later = timezone.now() + timezone.timedelta(days=4)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert found("future") == ["Future news"]


def test_drafts_are_kept_out_of_the_index(draft):
    assert not still_indexed(draft.pk, "secret")


def test_newer_drafts_do_not_crowd_out_published_matches(make_post, monkeypatch, hours_ago):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 1)
    make_post(title="Harbour of old", published_at=hours_ago(48))
    for n in range(2):
        make_post(title=f"Harbour draft {n}", status=Post.Status.DRAFT)
    assert found("harbour") == ["Harbour of old"]


def test_post_is_not_found_once_unpublished(harbour_post):
    harbour_post.status = Post.Status.DRAFT
    harbour_post.save()
    assert found("harbour") == []


# The index follows every change --------------------------------------------------------------


def test_edited_title_is_found(zeppelin_post):
    zeppelin_post.title = "Zeppelin hangar"
    zeppelin_post.save()
    assert found("zeppelin") == ["Zeppelin hangar"]


def test_old_title_is_forgotten(zeppelin_post):
    zeppelin_post.title = "Balloon hangar"
    zeppelin_post.save()
    assert found("airship") == []


def test_edited_body_is_found(zeppelin_post):
    zeppelin_post.body = "A zeppelin moored overnight."
    zeppelin_post.save()
    assert found("zeppelin") == ["Airship hangar"]


def test_added_tag_is_found(zeppelin_post):
    zeppelin_post.tags.add("Zeppelins")
    assert found("zeppelin") == ["Airship hangar"]


def test_removed_tag_is_forgotten(zeppelin_post):
    zeppelin_post.tags.remove("Dirigibles")
    assert found("dirigible") == []


def test_cleared_tags_are_forgotten(make_post):
    make_post(title="Tagged post", tags=["Zeppelins"]).tags.clear()
    assert found("zeppelin") == []


def test_renamed_tag_is_found(zeppelin_post):
    tag = Tag.objects.get(name="Dirigibles")
    tag.name = "Zeppelin sheds"
    tag.save()
    assert found("zeppelin") == ["Airship hangar"]


def test_deleted_tag_is_forgotten(make_post):
    make_post(title="Tagged post", tags=["Zeppelins"])
    Tag.objects.get(name="Zeppelins").delete()
    assert found("zeppelin") == []


def test_renamed_category_is_found(zeppelin_post, category):
    category.name = "Zeppelin news"
    category.save()
    assert found("zeppelin") == ["Airship hangar"]


def test_deleted_category_is_forgotten(make_post):
    make_post(title="Filed post", category=Category.objects.create(name="Zeppelins", slug="z"))
    Category.objects.get(slug="z").delete()
    assert found("zeppelin") == []


def test_deleted_post_leaves_the_index(zeppelin_post):
    post_id = zeppelin_post.pk
    zeppelin_post.delete()
    assert not still_indexed(post_id, "airship")


def test_posts_deleted_in_bulk_leave_the_index(zeppelin_post):
    Post.objects.filter(pk=zeppelin_post.pk).delete()
    assert not still_indexed(zeppelin_post.pk, "airship")


def test_queryset_update_is_found(zeppelin_post):
    Post.objects.filter(pk=zeppelin_post.pk).update(title="Zeppelin hangar")
    assert found("zeppelin") == ["Zeppelin hangar"]


def test_bulk_update_is_found(zeppelin_post):
    zeppelin_post.title = "Zeppelin hangar"
    Post.objects.bulk_update([zeppelin_post], ["title"])
    assert found("zeppelin") == ["Zeppelin hangar"]


def test_bulk_created_posts_are_found(author, hours_ago):
    imported = Post(
        title="Imported zeppelin story",
        slug="imported-zeppelin-story",
        body="Moored at the **mast**.",
        author=author,
        status=Post.Status.PUBLISHED,
        published_at=hours_ago(1),
    )
    imported.render()  # bulk_create skips save(), which renders the body
    Post.objects.bulk_create([imported])
    assert found("zeppelin mast") == ["Imported zeppelin story"]


def test_rebuilt_index_finds_posts_again(wiped_index):
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found("zeppelin") == ["Zeppelin hangar"]


# Whatever a reader types ---------------------------------------------------------------------

HOSTILE_QUERIES = [
    '"unclosed',
    "*",
    "foo:",
    "^",
    "(",
    ")",
    "AND",
    "OR",
    "NOT",
    "NEAR(a b)",
    "-",
    "--",
    '""',
    "a" * 5000,
    "🎉",
    "x OR",
    '" OR "',
    "'; DROP TABLE blog_post; --",
    "title:foo",
    "{col}: x",
    "\\",
    "to be or not to be",
    "harbour -",
    'harbour -""',
    "harbour OR OR -",
    "harbour* NEAR/2 bridge^2",
    "C++ && C#",
    "%_%",
    "word " * 50,
    "x² ½ ⅷ ﬁle 日本語 café\u0301 ǅ İ",
    "'quoted' o'neil :AB & | ! <->",
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES, ids=lambda q: repr(q[:30]))
def test_hostile_query_answers_normally(client, harbour_post, q):
    assert search_response(client, q).status_code == 200


def test_hostile_queries_with_filters_answer_normally(client, filed_harbour_posts):
    # Only queries with something left to search reach the engine's filtered SQL.
    reaching_the_engine = [q for q in HOSTILE_QUERIES if parse(q)]
    statuses = {
        q: search_response(client, q, category="news", tag="bridges").status_code
        for q in reaching_the_engine
    }
    assert statuses == dict.fromkeys(reaching_the_engine, 200)


def test_nul_byte_in_query_is_a_bad_request(client, harbour_post):
    assert search_response(client, "harb\x00our").status_code == 400


def test_very_long_query_is_cut(client, harbour_post):
    echoed = ECHOED_QUERY.search(search_page(client, "harbour " + "a" * 5000))[1]
    assert len(html.unescape(echoed)) <= 200


def test_only_stop_words_find_nothing(client, make_post):
    make_post(title="Hamlet", body="To be or not to be, that is the question.")
    assert "No posts match" in search_page(client, "to be or not to be")


# Snippets ------------------------------------------------------------------------------------


def test_result_shows_the_publication_date(client, make_post):
    published_at = datetime.datetime(2024, 3, 9, 12, tzinfo=datetime.UTC)
    make_post(title="Harbour bridge", published_at=published_at)
    assert "9 March 2024" in search_page(client, "harbour")


def test_result_links_its_category(client, make_post, category):
    make_post(title="Harbour bridge", category=category)
    assert f'href="{category.get_absolute_url()}">News</a>' in search_page(client, "harbour")


def test_snippet_marks_the_matched_word(client, harbour_post):
    assert "<mark>harbour</mark>" in snippets(client, "harbour")[0]


def test_snippet_marks_the_stemmed_form_found(client, runner_post):
    assert "<mark>run</mark>" in snippets(client, "running")[0]


@pytest.mark.parametrize(
    "body",
    [
        "The harbour has <b>bold</b> and <i onclick='x()'>raw</i> markup.",
        "The harbour: 5 < 6 & <script>alert(1)</script> and 7 > 6.",
        "The harbour code `<script>alert(1)</script>` stays text.",
        "The harbour & <img src=x onerror=alert(1)> and &lt;b&gt; entities.",
        "The harbour \x02sentinel\x03 characters and <mark>fake</mark> marks.",
    ],
)
def test_snippet_has_no_markup_but_marks(client, make_post, body):
    make_post(title="Markup", body=body)
    assert "<" not in without_marks(snippets(client, "harbour")[0])


def test_snippet_escapes_text_that_looks_like_markup(client, make_post):
    make_post(title="Code", body="The harbour code `<script>alert(1)</script>` stays text.")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippets(client, "harbour")[0]


def test_snippet_marks_only_matched_words(client, make_post):
    make_post(title="Sentinels", body="The harbour \x02sentinel\x03 characters.")
    assert snippets(client, "harbour")[0].count("<mark>") == 1


def words_of_length(length: int) -> str:
    """Filler words (never a match) exactly `length` characters long, spaces included."""
    count, rest = divmod(length, 5)
    if not rest:
        return "calm " * count
    return "calm " * (count - 1) + "x" * (rest + 4) + " "


@pytest.mark.parametrize(
    "q,words,mark",
    [
        ("harbour", "Boats in the harbour today.", "<mark>harbour</mark> today"),
        # Stems that are not how the word starts, and accents, are found all the same.
        ("happy", "A happy harbour today.", "<mark>happy</mark> harbour"),
        ("cafe", "The harbour café today.", "<mark>café</mark> today"),
    ],
)
def test_snippet_shows_a_match_far_into_a_long_body(client, make_post, q, words, mark):
    make_post(title="Long", body=words_of_length(3 * postgres.SNIPPET_SCAN) + words)
    assert mark in snippets(client, q)[0]


def test_snippet_does_not_mark_half_a_word_where_its_passage_ends(client, make_post):
    # PostgreSQL looks for the passage from SNIPPET_LEAD characters before "riverside" (a
    # likely match) to SNIPPET_SCAN characters on: cut there, "rivers" would match "river".
    begins = len("calm " * 100) + 1 - postgres.SNIPPET_LEAD
    filler = words_of_length(begins + postgres.SNIPPET_SCAN - 6 - len("calm " * 100 + "riverside "))
    body = f"{'calm ' * 100}riverside {filler}riverside {'calm ' * 50}Boats on the river today."
    assert body.index("rivers", 600) == begins + postgres.SNIPPET_SCAN - 6
    make_post(title="Long", body=body)
    assert "<mark>river</mark> today" in snippets(client, "river")[0]


def test_text_that_looks_like_markup_is_searchable(client, make_post):
    make_post(title="Disclosure widgets", body="Use the `<details>` element for this.")
    assert result_titles(client, "details") == ["Disclosure widgets"]


def test_hostile_title_is_escaped_in_results(client, make_post):
    make_post(title="<script>alert(1)</script> harbour", body="Quiet.")
    assert "<script>alert(1)" not in search_page(client, "harbour")


# Filters -------------------------------------------------------------------------------------


def test_category_filter_combines_with_query(client, filed_harbour_posts):
    assert result_titles(client, "harbour", category="news") == ["Harbour in the news"]


def test_tag_filter_combines_with_query(client, filed_harbour_posts):
    assert result_titles(client, "harbour", tag="ferries") == ["Harbour for travellers"]


def test_category_and_tag_filters_combine(client, filed_harbour_posts):
    assert result_titles(client, "harbour", category="news", tag="ferries") == []


@pytest.mark.parametrize("parameter", ["category", "tag"])
def test_unknown_filter_is_404(client, filed_harbour_posts, parameter):
    assert search_response(client, "harbour", **{parameter: "no-such-slug"}).status_code == 404


# Pages without results -----------------------------------------------------------------------


@pytest.fixture
def published_and_draft_tags(make_post):
    make_post(title="Keepers of the light", tags=["Lighthouses"])
    make_post(title="Secret plans", status=Post.Status.DRAFT, tags=["Embargoed"])


def test_empty_query_suggests_popular_topics(client, published_and_draft_tags):
    page = search_page(client)
    assert "Popular topics" in page and ">Lighthouses</a>" in page


def test_empty_query_suggests_recent_posts(client, published_and_draft_tags):
    page = search_page(client)
    assert "Recent posts" in page and ">Keepers of the light</a>" in page


def test_empty_query_hides_tags_used_only_by_drafts(client, published_and_draft_tags):
    assert "Embargoed" not in search_page(client)


def test_empty_query_is_not_a_failed_search(client, published_and_draft_tags):
    assert "No posts match" not in search_page(client, "   ")


def test_no_results_says_so(client, harbour_post):
    assert "No posts match" in search_page(client, "xylophone")


# Pagination and indexing by crawlers ----------------------------------------------------------


def test_second_page_has_the_rest(client, eleven_lantern_posts):
    assert result_titles(client, "lantern", page=2) == ["Lantern festival 10"]


def test_next_page_link_keeps_the_query(client, eleven_lantern_posts):
    link = NEXT_PAGE.search(search_page(client, "lantern"))[1]
    assert parse_qs(urlsplit(html.unescape(link)).query) == {"q": ["lantern"], "page": ["2"]}


def test_search_page_asks_not_to_be_indexed(client, harbour_post):
    assert '<meta name="robots" content="noindex">' in search_page(client, "harbour")


# Rate limit ----------------------------------------------------------------------------------


def test_searches_within_the_limit_answer(client, search_budget_of_three):
    assert [search_from(client, "10.0.0.1").status_code for _ in range(3)] == [200, 200, 200]


def test_search_over_the_limit_is_429(client, search_budget_of_three):
    statuses = [search_from(client, "10.0.0.1").status_code for _ in range(4)]
    assert statuses[-1] == 429


def test_search_over_the_limit_says_when_to_retry(client, search_budget_of_three):
    for _ in range(3):
        search_from(client, "10.0.0.1")
    assert 1 <= int(search_from(client, "10.0.0.1")["Retry-After"]) <= 60


def test_limit_is_per_address(client, search_budget_of_three):
    for _ in range(4):
        search_from(client, "10.0.0.1")
    assert search_from(client, "10.0.0.2").status_code == 200


def test_limit_of_zero_turns_it_off(client, search_budget_of_three):
    search_budget_of_three.SEARCH_RATE_LIMIT = 0
    assert {search_from(client, "10.0.0.1").status_code for _ in range(10)} == {200}


# The query parser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("python", "python"),
        ("Python DJANGO", "python django"),
        ("café", "café"),
        ('"open source"', '"open source"'),
        ('"Open  Source" tools', '"open source" tools'),
        ('"unclosed phrase', '"unclosed phrase"'),
        ("python -django", "python -django"),
        ('python -"big data"', 'python -"big data"'),
        ("python --django", "python -django"),
        ("cats OR dogs", "(cats | dogs)"),
        ("cats OR dogs OR birds", "(cats | dogs | birds)"),
        ('"open source" OR linux', '("open source" | linux)'),
        ("cats OR dogs fish", "(cats | dogs) fish"),
        ("cats or dogs", "cats dogs"),
        ("cats AND dogs", "cats dogs"),
        ("OR cats", "cats"),
        ("cats OR", "cats"),
        ("cats OR OR dogs", "(cats | dogs)"),
        ("cats OR -dogs", "cats -dogs"),
        ("the harbour", "harbour"),
        ("to be or not to be", ""),
        ('"to be or not to be"', ""),
        ("python -the", "python"),
        ("node.js", '"node js"'),
        ("e-mail", '"e mail"'),
        ("title:foo", '"title foo"'),
        ("foo:", "foo"),
        ("NEAR(a b)", '"near a" b'),
        ("x\x00y", "x y"),
        ("* ^ ( ) : -", ""),
        ('"" " OR "', ""),
        ("🎉", ""),
        ("AND OR NOT", ""),
    ],
)
def test_parser(typed, parsed):
    assert describe(parse(typed)) == parsed


@pytest.mark.parametrize("typed", ["", "   ", "-django", "to be", "🎉", "OR"])
def test_parser_finds_nothing_to_search_for(typed):
    assert not parse(typed)


def test_parser_keeps_a_bounded_number_of_terms():
    words = " ".join(f"word{n}" for n in range(MAX_TERMS * 2))
    assert len(parse(words).clauses) == MAX_TERMS


def test_parser_cuts_very_long_queries():
    assert len(parse("a" * 5000).words[0]) == MAX_QUERY_LENGTH


def test_a_long_query_is_cut_on_a_word_boundary():
    words = "harbour " * 40
    assert clean(words).split() == ["harbour"] * (MAX_QUERY_LENGTH // len("harbour "))


def test_a_two_word_title_match_outranks_many_body_matches(client, make_post):
    now = timezone.now()
    make_post(
        title="Harbor lantern festival returns",
        body="The harbor had a lantern.",
        published_at=now - timezone.timedelta(days=2),
    )
    make_post(title="Weekly notes", body="harbor lantern. " * 40, published_at=now)
    assert result_titles(client, "harbor lantern") == [
        "Harbor lantern festival returns",
        "Weekly notes",
    ]


def test_a_phrase_keeps_its_small_words_on_both_engines(client, make_post):
    make_post(title="Novel one", body="It was a war of worlds, they said.")
    make_post(title="Novel two", body="It was a war in worlds, they said.")
    assert result_titles(client, '"war of worlds"') == ["Novel one"]


def test_renaming_categories_in_bulk_updates_the_index(client, make_post, category):
    make_post(title="Filed", category=category)
    Category.objects.filter(pk=category.pk).update(name="Xyzzycat")
    assert result_titles(client, "xyzzycat") == ["Filed"]


def test_renaming_tags_in_bulk_updates_the_index(client, make_post):
    make_post(title="Tagged", tags=["Harbour"])
    Tag.objects.filter(name="Harbour").update(name="Quayside")
    assert result_titles(client, "quayside") == ["Tagged"]


def test_tagging_in_bulk_updates_the_index(client, make_post):
    post = make_post(title="Bulk tagged")
    tag = Tag.objects.create(name="Lighthouse")
    TaggedPost.objects.bulk_create([TaggedPost(tag=tag, content_object=post)])
    assert result_titles(client, "lighthouse") == ["Bulk tagged"]


def test_more_results_than_are_ranked_are_counted_with_a_plus(client, make_post, monkeypatch):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 2)
    for i in range(3):
        make_post(title=f"Harbour report {i}")
    assert "2+ results" in search_page(client, "harbour")


def test_the_newest_by_publication_are_ranked_not_the_last_added(client, make_post, monkeypatch):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 1)
    make_post(title="Harbour news today", published_at=timezone.now())
    # Added later, as an imported archive would be, but published years ago.
    make_post(
        title="Harbour news of old", published_at=timezone.now() - timezone.timedelta(days=900)
    )
    assert result_titles(client, "harbour") == ["Harbour news today"]


def test_a_post_moved_in_time_is_ranked_by_its_new_date(client, make_post, monkeypatch):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 1)
    earlier = make_post(
        title="Harbour early", published_at=timezone.now() - timezone.timedelta(days=2)
    )
    make_post(title="Harbour later", published_at=timezone.now() - timezone.timedelta(days=1))
    earlier.published_at = timezone.now()
    earlier.save()
    assert result_titles(client, "harbour") == ["Harbour early"]


def test_a_phrase_is_found_behind_newer_posts_with_its_words_apart(client, make_post, monkeypatch):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 1)
    now = timezone.now()
    make_post(
        title="Licences",
        body="We publish open source.",
        published_at=now - timezone.timedelta(days=30),
    )
    for day in range(4):
        make_post(
            title=f"Notes {day}",
            body="The source of it is open.",
            published_at=now - timezone.timedelta(days=day),
        )
    assert result_titles(client, '"open source"') == ["Licences"]


def test_body_matches_wait_when_title_matches_fill_the_ranked_places(
    client, make_post, monkeypatch, hours_ago
):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 2)
    for n in range(2):
        make_post(title=f"Harbour report {n}", published_at=hours_ago(10 + n))
    make_post(
        title="Weekly notes",
        excerpt="Round-up.",
        body="News from the harbour.",
        published_at=hours_ago(1),
    )
    assert result_titles(client, "harbour") == ["Harbour report 0", "Harbour report 1"]


def test_when_every_match_is_ranked_the_count_is_exact(client, make_post, monkeypatch):
    monkeypatch.setattr("blog.search.CANDIDATE_POOL", 3)
    for i in range(2):
        make_post(title=f"Harbour report {i}")
    assert "2 results for" in search_page(client, "harbour")


@pytest.mark.parametrize("parameter", ["category", "tag"])
def test_a_filter_on_a_category_or_tag_of_hidden_posts_is_not_found(
    client, draft, category, parameter
):
    draft.category = category
    draft.save()
    draft.tags.add("Embargo")
    slug = category.slug if parameter == "category" else "embargo"
    response = client.get(reverse("blog:search"), {"q": "secret", parameter: slug})
    assert response.status_code == 404
