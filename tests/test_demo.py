"""`python manage.py load_demo`: the demo content a fresh install starts with."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from blog.demo import DRAFT_SLUG, NEWS_ARTICLE_SLUG, SCHEDULED_SLUG
from blog.models import Category, Post, Tag


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def content_counts():
    return {model.__name__: model.objects.count() for model in (Post, Category, Tag)}


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker, demo_media):
    """The demo loaded once for this module, in a transaction rolled back at its end.

    Each test still runs in its own savepoint, so what one test changes the next never sees.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=demo_media),
        transaction.atomic(),
    ):
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def test_settings(test_settings, demo_media):
    # The cover images stay where the demo saved them: pages read their sizes.
    test_settings.MEDIA_ROOT = demo_media
    return test_settings


@pytest.fixture
def demo(loaded_once, db):
    """A site with the demo content loaded."""


@pytest.fixture
def news_article(demo):
    return Post.objects.get(slug=NEWS_ARTICLE_SLUG)


# Running it again ------------------------------------------------------------------------------


def test_second_run_creates_nothing(demo):
    before = content_counts()
    load_demo()
    assert content_counts() == before


def test_second_run_leaves_an_edited_post_as_it_is(news_article):
    Post.objects.filter(pk=news_article.pk).update(title="Edited by the newsroom")
    load_demo()
    assert Post.objects.get(slug=NEWS_ARTICLE_SLUG).title == "Edited by the newsroom"


# The news article ------------------------------------------------------------------------------


def test_news_article_is_in_the_news_category(news_article):
    assert news_article.category.name == "News"


def test_news_article_has_exactly_five_tags(news_article):
    assert news_article.tags.count() == 5


def test_news_article_has_at_least_two_multi_word_tags(news_article):
    multi_word = [name for name in news_article.tags.values_list("name", flat=True) if " " in name]
    assert len(multi_word) >= 2


def test_news_article_body_has_subheadings_and_both_kinds_of_list(news_article):
    missing = [tag for tag in ("<h2", "<h3", "<ol", "<ul") if tag not in news_article.body_html]
    assert missing == []


def test_news_article_page_shows_three_minutes_of_reading(client, news_article):
    assert "3 min read" in client.get(news_article.get_absolute_url()).content.decode()


def test_news_article_is_on_the_home_page(client, news_article):
    assert news_article.title in client.get("/").content.decode()


# What the public sees --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [DRAFT_SLUG, SCHEDULED_SLUG])
def test_unpublished_demo_post_is_not_on_the_home_page(client, demo, slug):
    title = Post.objects.get(slug=slug).title
    assert title not in client.get("/").content.decode()


@pytest.mark.parametrize("slug", [DRAFT_SLUG, SCHEDULED_SLUG])
def test_unpublished_demo_post_has_no_public_page(client, demo, slug):
    assert client.get(Post.objects.get(slug=slug).get_absolute_url()).status_code == 404


def test_demo_draft_is_a_draft(demo):
    assert Post.objects.get(slug=DRAFT_SLUG).status == Post.Status.DRAFT


def test_demo_scheduled_post_is_scheduled(demo):
    assert Post.objects.scheduled().filter(slug=SCHEDULED_SLUG).exists()


def test_about_eight_posts_are_published(demo):
    assert 6 <= Post.objects.published().count() <= 10
