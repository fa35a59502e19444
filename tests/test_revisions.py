"""Every admin change of a post is recorded; an earlier body can be restored."""

import pytest
from django.urls import reverse

from blog import revisions
from blog.models import Post, PostRevision


def change(client, post, **fields):
    """Submit `post`'s change form as an editor, with `fields` changed."""
    data = {
        "title": post.title,
        "slug": post.slug,
        "excerpt": "",
        "body": post.body,
        "status": post.status,
        "published_at_0": "",
        "published_at_1": "",
        "author": post.author_id,
        "category": "",
        "tags": "",
        "cover_image_alt": "",
        "seo_title": "",
        "meta_description": "",
        **fields,
    }
    return client.post(reverse("admin:blog_post_change", args=[post.pk]), data)


@pytest.fixture
def edited_twice(editor_client, draft):
    change(editor_client, draft, body="First body.")
    change(editor_client, draft, body="Second body.", title="Secret draft, revised")
    return Post.objects.get(pk=draft.pk)


def test_each_admin_save_records_a_revision(edited_twice):
    assert edited_twice.revisions.count() == 2


def test_revision_says_who_made_the_change(edited_twice, editor):
    assert edited_twice.revisions.first().editor == editor


def test_admin_history_lists_the_change(editor_client, edited_twice):
    url = reverse("admin:blog_post_history", args=[edited_twice.pk])
    assert "Changed Title, Excerpt and Body." in editor_client.get(url).content.decode()


def test_history_shows_the_title_change_readably(editor_client, edited_twice):
    url = reverse("admin:blog_post_history", args=[edited_twice.pk])
    assert "Secret draft → Secret draft, revised" in editor_client.get(url).content.decode()


def test_history_shows_the_body_lines_removed_and_added(editor_client, edited_twice):
    html = editor_client.get(reverse("admin:blog_post_history", args=[edited_twice.pk])).content
    assert b"<del>-First body.</del>" in html and b"<ins>+Second body.</ins>" in html


def test_diff_names_only_the_fields_that_changed(edited_twice):
    newest, earlier = edited_twice.revisions.all()[:2]
    assert [c.label for c in revisions.changes(earlier, newest)] == ["Title", "Body"]


def test_diff_shows_status_and_dates(editor_client, draft):
    change(editor_client, draft)
    change(editor_client, draft, _publish="1")
    newest, earlier = Post.objects.get(pk=draft.pk).revisions.all()[:2]
    labels = [c.label for c in revisions.changes(earlier, newest)]
    assert labels == ["Status", "Publication time"]


def test_publish_action_is_recorded_too(editor_client, draft):
    editor_client.post(
        reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert draft.revisions.get().status == Post.Status.PUBLISHED


def test_restoring_puts_the_earlier_body_back(editor_client, edited_twice):
    first = edited_twice.revisions.last()
    editor_client.post(reverse("admin:blog_post_restore_body", args=[edited_twice.pk, first.pk]))
    assert Post.objects.get(pk=edited_twice.pk).body == "First body."


def test_restoring_keeps_the_current_title(editor_client, edited_twice):
    first = edited_twice.revisions.last()
    editor_client.post(reverse("admin:blog_post_restore_body", args=[edited_twice.pk, first.pk]))
    assert Post.objects.get(pk=edited_twice.pk).title == "Secret draft, revised"


def test_restoring_is_itself_recorded(editor_client, edited_twice):
    first = edited_twice.revisions.last()
    editor_client.post(reverse("admin:blog_post_restore_body", args=[edited_twice.pk, first.pk]))
    assert edited_twice.revisions.count() == 3


def test_restoring_needs_a_post_request(editor_client, edited_twice):
    first = edited_twice.revisions.last()
    url = reverse("admin:blog_post_restore_body", args=[edited_twice.pk, first.pk])
    assert editor_client.get(url).status_code == 405


def test_restoring_a_revision_of_another_post_is_a_404(editor_client, edited_twice, make_post):
    other = make_post(slug="other")
    first = edited_twice.revisions.last()
    url = reverse("admin:blog_post_restore_body", args=[other.pk, first.pk])
    assert editor_client.post(url).status_code == 404


def test_staff_who_may_not_change_the_post_cannot_restore(client, edited_twice, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_post"))
    viewer.user_permissions.add(Permission.objects.get(codename="publish_post"))
    client.force_login(viewer)
    first = edited_twice.revisions.last()
    client.post(reverse("admin:blog_post_restore_body", args=[edited_twice.pk, first.pk]))
    assert Post.objects.get(pk=edited_twice.pk).body == "Second body."


def test_only_the_newest_revisions_are_kept(draft, editor, settings):
    settings.POST_REVISIONS_KEPT = 3
    for n in range(5):
        draft.body = f"Body {n}"
        revisions.record(draft, editor)
    assert list(draft.revisions.values_list("body", flat=True)) == ["Body 4", "Body 3", "Body 2"]


def test_revisions_go_with_their_post(edited_twice):
    edited_twice.delete()
    assert not PostRevision.objects.exists()
