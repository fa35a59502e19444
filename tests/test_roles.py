"""Authors write their own drafts; editors publish; the createeditor command."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post

NOT_AN_EDITOR = "Only editors may publish"


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


@pytest.fixture
def make_member(db):
    """`make_member(username, role)`: a staff account in the Author or Editor group."""

    def make(username, role):
        user = get_user_model().objects.create_user(username=username, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def writer(make_member):
    return make_member("writer", "Author")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def desk_client(client, make_member):
    client.force_login(make_member("desk", "Editor"))
    return client


@pytest.fixture
def own_draft(make_post, writer):
    return make_post(title="My draft", slug="my-draft", author=writer, status=Post.Status.DRAFT)


@pytest.fixture
def others_draft(make_post):
    return make_post(title="Someone else's draft", slug="theirs", status=Post.Status.DRAFT)


def change_form(post, **fields):
    """The change form of `post` as an author submits it (no editor-only fields)."""
    return {
        "title": post.title,
        "slug": post.slug,
        "excerpt": "",
        "body": post.body,
        "category": "",
        "tags": "",
        "cover_image_alt": "",
        "seo_title": "",
        "meta_description": "",
        **fields,
    }


def stored(post):
    return Post.objects.get(pk=post.pk)


# The groups ------------------------------------------------------------------------------------


def test_migrate_creates_the_author_group_with_its_permissions(db):
    codenames = set(Group.objects.get(name="Author").permissions.values_list("codename", flat=True))
    assert codenames == {
        "add_post",
        "change_post",
        "delete_post",
        "view_post",
        "view_category",
        "view_tag",
    }


def test_editors_may_publish_and_manage_categories_and_tags(db):
    codenames = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"publish_post", "change_category", "delete_tag", "change_post"} <= codenames


def test_roles_are_recreated_by_migrate_without_losing_added_permissions(db):
    from django.contrib.auth.models import Permission

    from blog.roles import create_roles

    author = Group.objects.get(name="Author")
    author.permissions.add(Permission.objects.get(codename="add_category"))
    create_roles()
    assert author.permissions.filter(codename="add_category").exists()


# What an author sees and changes ---------------------------------------------------------------


def test_author_sees_only_their_own_posts_in_the_list(writer_client, own_draft, others_draft):
    html = writer_client.get(admin_url("blog_post_changelist")).content.decode()
    assert "My draft" in html and "Someone else" not in html


def test_author_cannot_open_another_authors_draft(writer_client, others_draft):
    response = writer_client.get(admin_url("blog_post_change", others_draft.pk))
    assert response.status_code == 302  # the admin's "does not exist" redirect


def test_author_cannot_change_another_authors_draft_by_a_crafted_post(writer_client, others_draft):
    writer_client.post(
        admin_url("blog_post_change", others_draft.pk), change_form(others_draft, title="Mine")
    )
    assert stored(others_draft).title == "Someone else's draft"


def test_author_edits_their_own_draft(writer_client, own_draft):
    writer_client.post(
        admin_url("blog_post_change", own_draft.pk), change_form(own_draft, title="Better")
    )
    assert stored(own_draft).title == "Better"


def test_authors_new_post_is_a_draft_of_their_own(writer_client, writer, category):
    writer_client.post(
        admin_url("blog_post_add"),
        change_form(Post(title="Fresh", slug="", body="Words."), category=category.pk),
    )
    post = Post.objects.get(title="Fresh")
    assert (post.author, post.status) == (writer, Post.Status.DRAFT)


def test_author_cannot_change_their_published_post(writer_client, make_post, writer):
    post = make_post(title="Out", slug="out", author=writer)
    writer_client.post(admin_url("blog_post_change", post.pk), change_form(post, title="Edited"))
    assert stored(post).title == "Out"


def test_author_cannot_delete_another_authors_draft(writer_client, others_draft):
    writer_client.post(admin_url("blog_post_delete", others_draft.pk), {"post": "yes"})
    assert Post.objects.filter(pk=others_draft.pk).exists()


def test_author_may_pick_a_category_through_the_autocomplete(writer_client, category):
    response = writer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "blog", "model_name": "post", "field_name": "category", "term": "Ne"},
    )
    assert response.json()["results"][0]["text"] == "News"


def test_author_cannot_add_a_category(writer_client):
    writer_client.post(admin_url("blog_category_add"), {"name": "Mine", "slug": "mine"})
    assert not Category.objects.filter(slug="mine").exists()


def test_author_cannot_rename_a_category(writer_client, category):
    writer_client.post(
        admin_url("blog_category_change", category.pk), {"name": "Mine", "slug": "news"}
    )
    assert Category.objects.get().name == "News"


def test_authors_form_has_no_view_count_field(writer_client, own_draft):
    response = writer_client.get(admin_url("blog_post_change", own_draft.pk))
    assert "view_count" not in response.context["adminform"].form.fields


# An author's attempts to publish ---------------------------------------------------------------


def test_author_publishing_by_a_crafted_status_is_refused(writer_client, own_draft):
    response = writer_client.post(
        admin_url("blog_post_change", own_draft.pk),
        change_form(own_draft, status="published", published_at_0="", published_at_1=""),
    )
    assert NOT_AN_EDITOR in response.content.decode()


def test_author_publishing_by_a_crafted_status_changes_nothing(writer_client, own_draft):
    writer_client.post(
        admin_url("blog_post_change", own_draft.pk),
        change_form(own_draft, title="Sneaky", status="published"),
    )
    assert (stored(own_draft).status, stored(own_draft).title) == ("draft", "My draft")


def test_author_pressing_publish_now_is_refused(writer_client, own_draft):
    writer_client.post(
        admin_url("blog_post_change", own_draft.pk), change_form(own_draft, _publish="1")
    )
    assert stored(own_draft).status == Post.Status.DRAFT


def test_author_pressing_schedule_is_refused(writer_client, own_draft):
    response = writer_client.post(
        admin_url("blog_post_change", own_draft.pk), change_form(own_draft, _schedule="1")
    )
    assert NOT_AN_EDITOR in response.content.decode()


def test_author_adding_a_published_post_is_refused(writer_client):
    writer_client.post(
        admin_url("blog_post_add"),
        change_form(Post(title="Straight out", slug="", body="x"), status="published"),
    )
    assert not Post.objects.filter(title="Straight out").exists()


def test_publish_action_is_not_offered_to_authors(writer_client, own_draft):
    html = writer_client.get(admin_url("blog_post_changelist")).content.decode()
    assert "Publish the selected posts now" not in html


def test_authors_crafted_publish_action_is_refused_with_a_message(writer_client, own_draft):
    response = writer_client.post(
        admin_url("blog_post_changelist"),
        {"action": "publish", "_selected_action": [own_draft.pk]},
        follow=True,
    )
    assert NOT_AN_EDITOR in response.content.decode()


def test_authors_crafted_publish_action_leaves_the_draft(writer_client, own_draft):
    writer_client.post(
        admin_url("blog_post_changelist"), {"action": "publish", "_selected_action": [own_draft.pk]}
    )
    assert stored(own_draft).status == Post.Status.DRAFT


def test_author_previews_their_own_draft(writer_client, own_draft):
    assert writer_client.get(reverse("blog:post_preview", args=[own_draft.pk])).status_code == 200


def test_author_never_previews_another_authors_draft(writer_client, others_draft):
    response = writer_client.get(reverse("blog:post_preview", args=[others_draft.pk]))
    assert response.status_code == 404


# Editors ---------------------------------------------------------------------------------------


def test_editor_sees_every_post(desk_client, own_draft, others_draft):
    html = desk_client.get(admin_url("blog_post_changelist")).content.decode()
    assert "My draft" in html and "Someone else" in html


def test_editor_publishes_an_authors_draft_with_the_action(desk_client, own_draft):
    desk_client.post(
        admin_url("blog_post_changelist"), {"action": "publish", "_selected_action": [own_draft.pk]}
    )
    assert stored(own_draft).is_published


def test_editor_renames_a_category(desk_client, category):
    desk_client.post(
        admin_url("blog_category_change", category.pk),
        {"name": "Local", "slug": "news", "description": ""},
    )
    assert Category.objects.get().name == "Local"


def test_editor_previews_another_authors_draft(desk_client, others_draft):
    assert desk_client.get(reverse("blog:post_preview", args=[others_draft.pk])).status_code == 200


# createeditor ----------------------------------------------------------------------------------


def test_createeditor_makes_a_staff_author(db, capsys):
    call_command("createeditor", "grace", "--role", "author")
    user = get_user_model().objects.get(username="grace")
    assert (user.is_staff, [group.name for group in user.groups.all()]) == (True, ["Author"])


def test_createeditor_prints_a_password_that_logs_in(db, capsys):
    call_command("createeditor", "grace", "--role", "editor")
    password = capsys.readouterr().out.split("password '")[1].split("'")[0]
    assert get_user_model().objects.get(username="grace").check_password(password)


def test_createeditor_refuses_an_existing_username(db, author):
    with pytest.raises(CommandError, match="already an account"):
        call_command("createeditor", "ada", "--role", "author")


def test_createeditor_refuses_an_invalid_username(db):
    with pytest.raises(CommandError):
        call_command("createeditor", "no spaces", "--role", "author")


def test_createeditor_refuses_an_unknown_role(db):
    with pytest.raises(CommandError):
        call_command("createeditor", "grace", "--role", "chief")


# Scheduling from the change form ---------------------------------------------------------------


def editor_form(post, **fields):
    filled = {"status": post.status, "published_at_0": "", "published_at_1": ""}
    return change_form(post, **{**filled, "author": post.author_id, **fields})


def test_publish_now_button_publishes_at_once(desk_client, own_draft):
    desk_client.post(
        admin_url("blog_post_change", own_draft.pk), editor_form(own_draft, _publish="1")
    )
    assert stored(own_draft).is_published


def test_schedule_button_schedules_for_the_given_time(desk_client, own_draft, settings):
    desk_client.post(
        admin_url("blog_post_change", own_draft.pk),
        editor_form(own_draft, _schedule="1", published_at_0="2099-01-02", published_at_1="09:30"),
    )
    assert stored(own_draft).is_scheduled


def test_schedule_button_without_a_future_time_is_a_form_error(desk_client, own_draft):
    response = desk_client.post(
        admin_url("blog_post_change", own_draft.pk), editor_form(own_draft, _schedule="1")
    )
    assert "Give a time in the future" in response.content.decode()


def test_unpublish_button_makes_a_draft(desk_client, make_post):
    post = make_post(slug="live")
    desk_client.post(admin_url("blog_post_change", post.pk), editor_form(post, _unpublish="1"))
    assert stored(post).status == Post.Status.DRAFT


def test_change_form_says_when_a_scheduled_post_goes_out(desk_client, scheduled, settings):
    when = timezone.localtime(scheduled.published_at).strftime("%-d %B %Y, %H:%M")
    html = desk_client.get(admin_url("blog_post_change", scheduled.pk)).content.decode()
    assert f"Scheduled for {when} UTC" in html


def test_change_form_shows_a_draft_as_a_draft(desk_client, own_draft):
    html = desk_client.get(admin_url("blog_post_change", own_draft.pk)).content.decode()
    assert '<div class="readonly">Draft</div>' in html


def test_scheduled_post_goes_live_by_itself_at_its_time(client, make_post):
    post = make_post(slug="soon", published_at=timezone.now() + timezone.timedelta(seconds=1))
    assert client.get("/posts/soon/").status_code == 404
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert client.get("/posts/soon/").status_code == 200
