"""The admin as editors use it: who gets in, writing, publishing and the lists."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def add_url():
    return admin_url("blog_post_add")


def changelist_url():
    return admin_url("blog_post_changelist")


def a_minute_ago():
    moment = timezone.localtime() - timezone.timedelta(minutes=1)
    return {
        "published_at_0": moment.strftime("%Y-%m-%d"),
        "published_at_1": moment.strftime("%H:%M:%S"),
    }


def change_url(post):
    return admin_url("blog_post_change", post.pk)


def run_action(client, action, posts):
    return client.post(
        changelist_url(),
        {"action": action, "_selected_action": [post.pk for post in posts]},
    )


# Who gets in -----------------------------------------------------------------------------------


def login_redirect(url):
    return f"{admin_url('login')}?next={url}"


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get(admin_url("index")).url == login_redirect(admin_url("index"))


def test_reader_account_is_sent_to_log_in(client, db):
    client.force_login(get_user_model().objects.create_user(username="reader"))
    assert client.get(admin_url("index")).url == login_redirect(admin_url("index"))


def test_reader_account_cannot_open_the_posts(client, db):
    client.force_login(get_user_model().objects.create_user(username="reader"))
    url = changelist_url()
    assert client.get(url).url == login_redirect(url)


def test_reader_account_cannot_create_a_post(client, post_form):
    client.force_login(get_user_model().objects.create_user(username="reader"))
    client.post(add_url(), post_form())
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "blog_post_changelist",
        "blog_post_add",
        "blog_category_changelist",
        "blog_category_add",
        "blog_tag_changelist",
        "blog_tag_add",
    ],
)
def test_editor_opens_admin_pages(editor_client, name):
    assert editor_client.get(admin_url(name)).status_code == 200


def test_editor_opens_a_posts_change_page(editor_client, make_post):
    post = make_post(tags=["AI Security"])
    assert editor_client.get(change_url(post)).status_code == 200


# Writing and publishing ------------------------------------------------------------------------


def test_editor_creates_a_post(editor_client, post_form):
    editor_client.post(add_url(), post_form())
    assert Post.objects.get().title == "Harbour bridge reopens"


def test_multi_word_tags_from_the_form_make_exactly_two_tags(editor_client, post_form):
    editor_client.post(add_url(), post_form(tags="AI Security, Open Source"))
    assert sorted(Post.objects.get().tags.values_list("slug", flat=True)) == [
        "ai-security",
        "open-source",
    ]


def test_tag_typed_in_another_case_reuses_the_tag(editor_client, post_form, make_post):
    make_post(tags=["AI Security"])
    editor_client.post(add_url(), post_form(tags="ai security"))
    assert Post.objects.get(title="Harbour bridge reopens").tags.get().name == "AI Security"


def test_empty_slug_is_made_from_the_title(editor_client, post_form):
    editor_client.post(add_url(), post_form(slug=""))
    assert Post.objects.get().slug == "harbour-bridge-reopens"


def test_post_published_from_the_form_is_on_the_home_page_at_once(editor_client, post_form):
    editor_client.post(add_url(), post_form(status=Post.Status.PUBLISHED, **a_minute_ago()))
    assert "Harbour bridge reopens" in editor_client.get("/").content.decode()


def test_post_published_from_the_form_has_its_page_at_once(editor_client, post_form):
    editor_client.post(add_url(), post_form(status=Post.Status.PUBLISHED, **a_minute_ago()))
    assert editor_client.get(Post.objects.get().get_absolute_url()).status_code == 200


def test_publishing_from_the_form_without_a_date_fills_it_in(editor_client, post_form):
    editor_client.post(add_url(), post_form(status=Post.Status.PUBLISHED))
    assert Post.objects.filter(published_at__isnull=False).count() == 1


def test_cover_image_needs_a_description(editor_client, post_form, cover_image):
    response = editor_client.post(add_url(), post_form(cover_image=cover_image, cover_image_alt=""))
    assert "cover_image_alt" in response.context["adminform"].form.errors


def test_author_defaults_to_the_editor(editor_client, editor):
    form = editor_client.get(add_url()).context["adminform"].form
    assert form.initial["author"] == editor.pk


def test_view_count_cannot_be_set_from_the_form(editor_client, post_form, draft):
    Post.objects.filter(pk=draft.pk).update(view_count=7)
    editor_client.post(change_url(draft), post_form(title="Renamed draft", view_count=999))
    draft.refresh_from_db()
    assert (draft.title, draft.view_count) == ("Renamed draft", 7)


def test_view_count_is_not_a_form_field(editor_client, draft):
    form = editor_client.get(change_url(draft)).context["adminform"].form
    assert "view_count" not in form.fields


def test_derived_excerpt_follows_a_body_edited_in_the_admin(editor_client, post_form):
    editor_client.post(add_url(), post_form(body="First version."))
    post = Post.objects.get()
    form = post_form(body="Second version.", excerpt=post.excerpt)
    editor_client.post(change_url(post), form)
    post.refresh_from_db()
    assert post.excerpt == "Second version."


def test_editors_excerpt_is_kept_when_the_body_is_edited_in_the_admin(editor_client, post_form):
    editor_client.post(add_url(), post_form(body="First version.", excerpt="Hand-written lede."))
    post = Post.objects.get()
    editor_client.post(change_url(post), post_form(body="Second version.", excerpt=post.excerpt))
    post.refresh_from_db()
    assert post.excerpt == "Hand-written lede."


@pytest.mark.parametrize(
    ("fixture", "address"),
    [("draft", "/preview/{pk}/"), ("scheduled", "/preview/{pk}/"), ("published", "/posts/{slug}/")],
)
def test_view_on_site_leads_to_the_page_or_its_preview(
    request, editor_client, make_post, fixture, address
):
    post = (
        make_post(title="Out now") if fixture == "published" else request.getfixturevalue(fixture)
    )
    html = editor_client.get(change_url(post)).content.decode()
    assert f'href="{address.format(pk=post.pk, slug=post.slug)}"' in html


def test_tag_admin_refuses_a_name_differing_only_in_case(editor_client, make_post):
    make_post(tags=["AI Security"])
    response = editor_client.post(
        admin_url("blog_tag_add"), {"name": "ai security", "slug": "ai-security-again"}
    )
    assert response.context["adminform"].form.errors["name"] == [
        "A tag with this name already exists."
    ]


# Actions ---------------------------------------------------------------------------------------


def test_publish_action_publishes_a_draft_now(editor_client, draft):
    before = timezone.now()
    run_action(editor_client, "publish", [draft])
    draft.refresh_from_db()
    assert (draft.status, draft.published_at >= before) == (Post.Status.PUBLISHED, True)


def test_published_draft_is_on_the_home_page(editor_client, draft):
    run_action(editor_client, "publish", [draft])
    assert "Secret draft" in editor_client.get("/").content.decode()


def test_published_draft_has_its_page_at_once(editor_client, draft):
    run_action(editor_client, "publish", [draft])
    assert editor_client.get(draft.get_absolute_url()).status_code == 200


def test_publish_action_leaves_published_posts_alone(editor_client, make_post):
    post = make_post(title="Already out")
    run_action(editor_client, "publish", [post])
    assert Post.objects.get(pk=post.pk).published_at == post.published_at


def test_unpublish_action_moves_a_post_back_to_draft(editor_client, make_post):
    post = make_post(title="Out by mistake")
    run_action(editor_client, "unpublish", [post])
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def test_unpublished_post_leaves_the_home_page(editor_client, make_post):
    post = make_post(title="Out by mistake")
    run_action(editor_client, "unpublish", [post])
    assert "Out by mistake" not in editor_client.get("/").content.decode()


# Lists -----------------------------------------------------------------------------------------


def test_category_list_counts_published_posts_only(editor_client, make_post, category):
    make_post(category=category)
    make_post(category=category)
    make_post(category=category, status=Post.Status.DRAFT)
    make_post(category=category, published_at=timezone.now() + timezone.timedelta(days=1))
    html = editor_client.get(admin_url("blog_category_changelist")).content.decode()
    assert '<td class="field-published_posts">2</td>' in html


def test_category_list_shows_zero_for_an_unused_category(editor_client, db):
    Category.objects.create(name="Empty desk", slug="empty-desk")
    html = editor_client.get(admin_url("blog_category_changelist")).content.decode()
    assert '<td class="field-published_posts">0</td>' in html


@pytest.mark.parametrize(
    ("state", "titles"),
    [
        ("draft", ["Secret draft"]),
        ("scheduled", ["Future news"]),
        ("published", ["Out now"]),
        (None, ["Future news", "Out now", "Secret draft"]),
    ],
)
def test_post_list_filters_by_status(editor_client, make_post, draft, scheduled, state, titles):
    make_post(title="Out now")
    params = {"state": state} if state else {}
    result = editor_client.get(changelist_url(), params).context["cl"].result_list
    assert sorted(post.title for post in result) == titles


def test_post_list_shows_scheduled_posts_as_scheduled(editor_client, scheduled):
    html = editor_client.get(changelist_url()).content.decode()
    assert '<td class="field-state">Scheduled</td>' in html


def test_publish_action_brings_a_scheduled_post_forward(editor_client, scheduled):
    run_action(editor_client, "publish", [scheduled])
    scheduled.refresh_from_db()
    assert scheduled.is_published


def test_a_tag_too_long_for_its_column_is_a_form_error(editor_client, post_form):
    response = editor_client.post(add_url(), post_form(tags="x" * 150))
    assert "tags" in response.context["adminform"].form.errors


def test_an_uploaded_cover_keeps_its_size_and_gets_a_random_name(
    editor_client, post_form, cover_image
):
    editor_client.post(add_url(), post_form(cover_image=cover_image, cover_image_alt="A bridge"))
    post = Post.objects.get()
    assert (post.cover_image_width, post.cover_image_height, "bridge" in post.cover_image.name) == (
        4,
        3,
        False,
    )


def test_the_title_box_is_wide_enough_for_a_headline(editor_client):
    html = editor_client.get(reverse("admin:blog_post_add")).content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group()
    assert 'class="vLargeTextField"' in title_input
