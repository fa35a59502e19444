"""Staff previews and the signed links shared with reviewers who have no account."""

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from blog import previews
from blog.models import Post


def shared_path(post):
    return reverse("blog:shared_preview", args=[previews.share_token(post)])


def test_shared_link_shows_the_draft_to_a_reviewer_without_an_account(client, draft):
    assert "Secret draft" in client.get(shared_path(draft)).content.decode()


def test_shared_link_says_it_is_a_preview(client, draft):
    assert "Preview:" in client.get(shared_path(draft)).content.decode()


def test_shared_link_asks_search_engines_not_to_index(client, draft):
    assert client.get(shared_path(draft))["X-Robots-Tag"] == "noindex"


def test_shared_link_is_not_kept_by_shared_caches(client, draft):
    assert "no-store" in client.get(shared_path(draft))["Cache-Control"]


def test_shared_link_is_read_only(client, draft):
    assert client.post(shared_path(draft)).status_code == 405


def test_shared_link_of_a_published_post_does_not_count_a_view(client, make_post):
    post = make_post(slug="out")
    client.get(shared_path(post), HTTP_USER_AGENT="Mozilla/5.0")
    assert Post.objects.get(pk=post.pk).view_count == 0


def test_shared_link_expires(client, draft, settings, monkeypatch):
    path = shared_path(draft)
    settings.SHARED_PREVIEW_DAYS = 7
    later = signing.time.time() + 7 * 24 * 3600 + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(path).status_code == 404


def test_shared_link_works_within_its_days(client, draft, monkeypatch):
    path = shared_path(draft)
    later = signing.time.time() + 6 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(path).status_code == 200


def test_link_with_an_altered_signature_is_refused(client, draft):
    token = previews.share_token(draft)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("blog:shared_preview", args=[tampered])).status_code == 404


def test_link_signed_for_another_post_cannot_be_edited_to_show_this_one(client, draft, make_post):
    other = make_post(title="Other draft", slug="other", status=Post.Status.DRAFT)
    payload = signing.b64_encode(f'[{other.pk},"{other.updated_at.isoformat()}"]'.encode()).decode()
    _, timestamp, signature = previews.share_token(draft).split(":")
    forged = f"{payload}:{timestamp}:{signature}"
    assert client.get(reverse("blog:shared_preview", args=[forged])).status_code == 404


def test_garbage_token_is_refused_not_an_error(client, db):
    assert client.get(reverse("blog:shared_preview", args=["nonsense"])).status_code == 404


def test_changing_the_post_revokes_earlier_links(client, draft):
    path = shared_path(draft)
    draft.title = "Secret draft, revised"
    draft.save()
    assert client.get(path).status_code == 404


def test_refused_link_explains_what_happened(client, draft):
    path = shared_path(draft)
    draft.save()
    assert "no longer works" in client.get(path).content.decode()


def test_link_of_a_deleted_post_is_refused(client, draft):
    path = shared_path(draft)
    draft.delete()
    assert client.get(path).status_code == 404


def test_change_form_offers_the_shared_link(editor_client, draft, settings):
    html = editor_client.get(reverse("admin:blog_post_change", args=[draft.pk])).content.decode()
    assert f"{settings.SITE_URL}/preview/shared/" in html


def test_change_form_has_a_preview_link(editor_client, draft):
    html = editor_client.get(reverse("admin:blog_post_change", args=[draft.pk])).content.decode()
    assert f'href="{reverse("blog:post_preview", args=[draft.pk])}">Preview</a>' in html


@pytest.mark.parametrize("state", ["draft", "scheduled", "published"])
def test_staff_preview_shows_every_state(editor_client, make_post, state):
    post = {
        "draft": lambda: make_post(slug="d", status=Post.Status.DRAFT),
        "scheduled": lambda: make_post(
            slug="s", published_at=timezone.now() + timezone.timedelta(days=9)
        ),
        "published": lambda: make_post(slug="p"),
    }[state]()
    assert editor_client.get(reverse("blog:post_preview", args=[post.pk])).status_code == 200


def test_staff_preview_does_not_count_a_view(editor_client, make_post):
    post = make_post(slug="out")
    editor_client.get(reverse("blog:post_preview", args=[post.pk]), HTTP_USER_AGENT="Mozilla/5.0")
    assert Post.objects.get(pk=post.pk).view_count == 0
