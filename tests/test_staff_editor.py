"""A staff writer who is not a superuser: what the model permissions they are given let them do."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from blog.models import Post

PUBLISH_ACTION = "Publish the selected posts now"
# Publishing needs its own permission (see tests/test_roles.py for staff without it).
WRITER_PERMISSIONS = [
    "add_post",
    "change_post",
    "view_post",
    "view_category",
    "view_tag",
    "publish_post",
]


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


@pytest.fixture
def make_staff(db):
    """`make_staff(username, permissions, is_staff=True)`: an account holding blog permissions."""

    def make(username, permissions, *, is_staff=True):
        user = get_user_model().objects.create_user(username=username, is_staff=is_staff)
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="blog", codename__in=permissions)
        )
        return user

    return make


@pytest.fixture
def writer(make_staff):
    return make_staff("writer", WRITER_PERMISSIONS)


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def reader_of_posts_client(client, make_staff):
    """Staff who may look at posts but not change them."""
    client.force_login(make_staff("reviewer", ["view_post", "view_category", "view_tag"]))
    return client


@pytest.fixture
def published_post_form(writer, category):
    """The add form as the writer fills it in to publish straight away."""
    return {
        "title": "Harbour bridge reopens",
        "slug": "",
        "excerpt": "",
        "body": "Engineers replaced every cable of the span.",
        "status": Post.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "author": writer.pk,
        "category": category.pk,
        "tags": "AI Security, Open Source",
        "cover_image_alt": "",
        "_save": "Save",
    }


def run_action(client, action, posts):
    return client.post(
        admin_url("blog_post_changelist"),
        {"action": action, "_selected_action": [post.pk for post in posts]},
    )


def status_of(post):
    return Post.objects.get(pk=post.pk).status


# Getting in ------------------------------------------------------------------------------------


def test_writer_opens_the_admin(writer_client):
    assert writer_client.get(admin_url("index")).status_code == 200


def test_writer_opens_the_post_add_form(writer_client):
    assert writer_client.get(admin_url("blog_post_add")).status_code == 200


def test_account_that_is_not_staff_is_sent_to_log_in_despite_its_permissions(client, make_staff):
    client.force_login(make_staff("reader", WRITER_PERMISSIONS, is_staff=False))
    url = admin_url("blog_post_add")
    assert client.get(url).url == f"{admin_url('login')}?next={url}"


# Writing and publishing ------------------------------------------------------------------------


def test_writer_publishes_a_post_from_the_add_form(writer_client, published_post_form):
    writer_client.post(admin_url("blog_post_add"), published_post_form)
    assert Post.objects.published().filter(title="Harbour bridge reopens").exists()


def test_writers_new_post_is_on_the_home_page_at_once(writer_client, published_post_form):
    writer_client.post(admin_url("blog_post_add"), published_post_form)
    assert "Harbour bridge reopens" in writer_client.get("/").content.decode()


def test_writers_new_post_keeps_its_multi_word_tags(writer_client, published_post_form):
    writer_client.post(admin_url("blog_post_add"), published_post_form)
    assert sorted(Post.objects.get().tags.values_list("name", flat=True)) == [
        "AI Security",
        "Open Source",
    ]


def test_writer_publishes_a_draft_with_the_action(writer_client, draft):
    run_action(writer_client, "publish", [draft])
    assert status_of(draft) == Post.Status.PUBLISHED


def test_draft_published_by_the_writer_is_on_the_home_page(writer_client, draft):
    run_action(writer_client, "publish", [draft])
    assert "Secret draft" in writer_client.get("/").content.decode()


# Without permission to change posts ------------------------------------------------------------


def test_publish_action_is_offered_to_the_writer(writer_client, draft):
    html = writer_client.get(admin_url("blog_post_changelist")).content.decode()
    assert PUBLISH_ACTION in html


def test_publish_action_is_not_offered_without_change_permission(reader_of_posts_client, draft):
    html = reader_of_posts_client.get(admin_url("blog_post_changelist")).content.decode()
    assert PUBLISH_ACTION not in html


def test_publish_action_without_change_permission_is_ignored_not_an_error(
    reader_of_posts_client, draft
):
    assert run_action(reader_of_posts_client, "publish", [draft]).status_code == 200


def test_publish_action_without_change_permission_leaves_the_draft(reader_of_posts_client, draft):
    run_action(reader_of_posts_client, "publish", [draft])
    assert status_of(draft) == Post.Status.DRAFT


def test_publish_action_without_any_post_permission_is_forbidden(client, make_staff, draft):
    client.force_login(make_staff("visitor", []))
    assert run_action(client, "publish", [draft]).status_code == 403


def test_publish_action_without_any_post_permission_leaves_the_draft(client, make_staff, draft):
    client.force_login(make_staff("visitor", []))
    run_action(client, "publish", [draft])
    assert status_of(draft) == Post.Status.DRAFT
