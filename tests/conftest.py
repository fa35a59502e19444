import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from blog.models import Category, Post

PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # Manifest storage needs collectstatic; uploads go to a throwaway folder.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The memory cache outlives a test: rate-limit counts and versions must not carry over.
    cache.clear()
    # Pages are rendered fresh unless a test is about the page cache.
    settings.PAGE_CACHE_SECONDS = 0
    # Real password hashing costs half a second a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def author(db):
    return get_user_model().objects.create_user(
        username="ada", first_name="Ada", last_name="Lovelace", password="unused-1234"
    )


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(username="editor", password="unused-1234")


@pytest.fixture
def category(db):
    return Category.objects.create(name="News", slug="news")


@pytest.fixture
def make_post(db, author):
    """Make a post: published an hour ago unless overridden."""

    def make(**overrides):
        tags = overrides.pop("tags", [])
        fields = {
            "title": "A post",
            "body": "Some words in a paragraph.",
            "author": author,
            "status": Post.Status.PUBLISHED,
            "published_at": timezone.now() - timezone.timedelta(hours=1),
            **overrides,
        }
        post = Post.objects.create(**fields)
        if tags:
            post.tags.set(tags)
        return post

    return make


@pytest.fixture
def draft(make_post):
    return make_post(title="Secret draft", slug="secret-draft", status=Post.Status.DRAFT)


@pytest.fixture
def scheduled(make_post):
    return make_post(
        title="Future news",
        slug="future-news",
        published_at=timezone.now() + timezone.timedelta(days=3),
    )


@pytest.fixture
def cover_image():
    """A small PNG upload, as an editor's browser sends it."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("bridge.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def post_form(editor, category):
    """`post_form(**fields)`: the add form as an editor fills it in, minus the date."""

    def fill(**fields):
        return {
            "title": "Harbour bridge reopens",
            "slug": "",
            "excerpt": "",
            "body": "Engineers replaced every cable of the span.",
            "status": Post.Status.DRAFT,
            "published_at_0": "",
            "published_at_1": "",
            "author": editor.pk,
            "category": category.pk,
            "tags": "AI Security, Open Source",
            "cover_image_alt": "",
            "_save": "Save",
            **fields,
        }

    return fill


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change's on-commit hooks, which bump the content version, as a real commit does."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run
