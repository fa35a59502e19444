"""The content model: slugs, publishing dates, excerpts, reading time, visibility and tags."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone

from blog.models import Post, Tag
from blog.tagging import join_tags, parse_tags

ONE_THOUSAND_WORDS = " ".join(["word"] * 1000)


# Slugs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Harbour bridge reopens", "harbour-bridge-reopens"),
        ("Über café", "über-café"),
        ("日本語のニュース", "日本語のニュース"),
        ("  Spaces   everywhere  ", "spaces-everywhere"),
        ("What's next? (Part 2)", "whats-next-part-2"),
    ],
)
def test_slug_is_made_from_the_title(make_post, title, slug):
    assert make_post(title=title).slug == slug


@pytest.mark.parametrize(
    "title",
    ["", "!!!", "🎉🎉", "   ", "\x00"],
    ids=["empty", "punctuation", "emoji", "blank", "nul"],
)
def test_title_without_letters_still_gets_a_slug(make_post, title):
    assert make_post(title=title).slug == "post"


def test_repeated_titles_get_numbered_slugs(make_post):
    slugs = [make_post(title="Budget day").slug for _ in range(3)]
    assert slugs == ["budget-day", "budget-day-2", "budget-day-3"]


def test_repeated_unicode_titles_get_numbered_slugs(make_post):
    slugs = [make_post(title="Über café").slug for _ in range(2)]
    assert slugs == ["über-café", "über-café-2"]


def test_editor_chosen_slug_is_kept(make_post):
    assert make_post(title="Budget day", slug="budget").slug == "budget"


def test_slug_is_not_changed_when_the_title_is(make_post):
    post = make_post(title="Budget day")
    post.title = "Budget night"
    post.save()
    assert post.slug == "budget-day"


def test_longest_title_gets_a_numbered_slug_within_the_column(make_post):
    title = "a" * 200
    make_post(title=title)
    assert make_post(title=title).slug == "a" * 198 + "-2"


# Publishing ----------------------------------------------------------------------------------


def test_publishing_without_a_date_fills_in_now(make_post):
    before = timezone.now()
    post = make_post(published_at=None)
    assert before <= post.published_at <= timezone.now()


def test_publishing_keeps_a_chosen_date(make_post):
    chosen = timezone.now() - timezone.timedelta(days=30)
    assert make_post(published_at=chosen).published_at == chosen


def test_draft_has_no_date_filled_in(make_post):
    assert make_post(status=Post.Status.DRAFT, published_at=None).published_at is None


def test_database_refuses_a_published_post_without_a_date(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=draft.pk).update(status=Post.Status.PUBLISHED, published_at=None)


# Excerpt -------------------------------------------------------------------------------------


def test_excerpt_is_derived_from_the_body_when_empty(make_post):
    post = make_post(body="The **harbour** bridge reopened on Monday.\n\n## Details\n\nMore.")
    assert post.excerpt == "The harbour bridge reopened on Monday. Details More."


def test_derived_excerpt_is_cut_at_forty_words(make_post):
    post = make_post(body=" ".join(f"w{i}" for i in range(60)))
    assert post.excerpt == " ".join(f"w{i}" for i in range(40)) + "…"


def test_derived_excerpt_follows_a_changed_body(make_post):
    post = make_post(body="First version.")
    post.body = "Second version."
    post.save()
    assert post.excerpt == "Second version."


def test_derived_excerpt_follows_a_changed_body_after_reloading(make_post):
    post = Post.objects.get(pk=make_post(body="First version.").pk)
    post.body = "Second version."
    post.save()
    assert post.excerpt == "Second version."


def test_editors_excerpt_is_kept_when_the_body_changes(make_post):
    post = make_post(body="First version.", excerpt="A lede written by hand.")
    post.body = "Second version."
    post.save()
    assert post.excerpt == "A lede written by hand."


# Reading time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "minutes"),
    [
        ("", 1),
        ("A short note.", 1),
        (" ".join(["word"] * 220), 1),
        (" ".join(["word"] * 221), 2),
        (ONE_THOUSAND_WORDS, 5),
        ("中" * 1500, 3),
        ("ニュース" * 375, 3),
    ],
    ids=["empty", "short", "220-words", "221-words", "1000-words", "1500-hanzi", "1500-kana"],
)
def test_reading_time_in_whole_minutes(make_post, body, minutes):
    assert make_post(body=body).reading_time == minutes


def test_reading_time_counts_the_text_not_the_markup(make_post):
    linked = " ".join(["[word](https://example.com/a-very-long-address)"] * 220)
    assert make_post(body=linked).reading_time == 1


# Visibility ----------------------------------------------------------------------------------


def test_published_lists_only_posts_that_are_out(make_post, draft, scheduled):
    out = make_post(title="Out now")
    assert list(Post.objects.published()) == [out]


# Tags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("AI Security, Python", ["AI Security", "Python"]),
        ("AI Security", ["AI Security"]),
        ("  AI   Security  ,  Python ,", ["AI Security", "Python"]),
        ('"AI Security", Python', ["AI Security", "Python"]),
        ("AI Security, ai security, AI SECURITY", ["AI Security"]),
        ("Über, über", ["Über"]),
        ("python, Django", ["Django", "python"]),
        ("", []),
        (" , ,", []),
        (None, []),
    ],
)
def test_tags_are_separated_by_commas_only(text, names):
    assert parse_tags(text) == names


@pytest.mark.parametrize(
    "names",
    [["AI Security", "Python"], ["Über"]],
    ids=["multi-word", "non-ascii"],
)
def test_tag_names_survive_the_round_trip_through_the_form_string(names):
    # The admin shows a post's tags with join_tags and reads them back with parse_tags.
    assert parse_tags(join_tags(Tag(name=name) for name in names)) == names


def test_a_tag_name_with_a_comma_is_refused(db):
    # It would come back from the post form's comma-separated string as two tags.
    with pytest.raises(ValidationError):
        Tag(name="Law, Order").full_clean()


def test_tag_typed_again_in_another_case_is_the_same_tag(make_post):
    make_post(tags=["AI Security"])
    make_post(tags=["ai security"])
    assert list(Tag.objects.values_list("name", "slug")) == [("AI Security", "ai-security")]


def test_non_ascii_tag_typed_again_in_another_case_is_the_same_tag(make_post):
    make_post(tags=["Über"])
    make_post(tags=["über"])
    assert list(Tag.objects.values_list("name", "slug")) == [("Über", "über")]


def test_tag_with_extra_spaces_is_the_same_tag(make_post):
    make_post(tags=["AI Security"])
    make_post(tags=["AI   Security "])
    assert Tag.objects.count() == 1


def test_post_tagged_in_another_case_shares_the_tag(make_post):
    first = make_post(tags=["AI Security"])
    second = make_post(tags=["ai security"])
    assert list(second.tags.all()) == list(first.tags.all())


def test_database_refuses_a_second_tag_in_another_case(db):
    Tag.objects.create(name="AI Security")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="ai security")


@pytest.mark.parametrize(
    "name", ["🎉", "!!!", "#", "C++"], ids=["emoji", "punctuation", "hash", "c-plus-plus"]
)
def test_tag_made_of_symbols_still_gets_a_slug(db, name):
    assert Tag.objects.create(name=name).slug != ""


def test_folded_tag_name_fits_its_column(db):
    # "ß" folds to "ss": a name at the maximum length must still fit the folded column,
    # which PostgreSQL enforces.
    tag = Tag.objects.create(name="ß" * Tag._meta.get_field("name").max_length)
    assert len(tag.folded_name) <= Tag._meta.get_field("folded_name").max_length


def test_admin_form_tags_string_makes_two_tags(editor, category):
    request = RequestFactory().get("/admin/blog/post/add/")
    request.user = editor
    form_class = admin.site._registry[Post].get_form(request)
    form = form_class(
        data={
            "title": "Tags from the form",
            "body": "Words.",
            "status": Post.Status.DRAFT,
            "author": editor.pk,
            "tags": "AI Security, Python",
        }
    )
    post = form.save()
    assert sorted(post.tags.values_list("name", flat=True)) == ["AI Security", "Python"]


def test_a_tag_typed_with_a_combining_accent_is_the_same_tag(make_post):
    make_post(tags=["Über"])
    make_post(title="Another", tags=["U\u0308ber"])
    assert Tag.objects.count() == 1
