"""Old addresses: renamed posts, categories and tags redirect (301); deleted posts are gone."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse
from django.utils import timezone

from blog import redirects
from blog.models import OldAddress, Post, Tag


def rename(obj, slug):
    obj.slug = slug
    obj.save()
    return obj


@pytest.fixture
def published(make_post):
    return make_post(title="Bridge", slug="bridge")


# Posts -----------------------------------------------------------------------------------------


def test_old_slug_of_a_published_post_redirects_permanently(client, published):
    rename(published, "harbour-bridge")
    response = client.get("/posts/bridge/")
    assert (response.status_code, response["Location"]) == (301, "/posts/harbour-bridge/")


def test_every_earlier_slug_leads_straight_to_the_current_one(client, published):
    for slug in ("bridge-2", "bridge-3", "harbour-bridge"):
        rename(published, slug)
    locations = {client.get(f"/posts/{slug}/")["Location"] for slug in ("bridge", "bridge-2")}
    assert locations == {"/posts/harbour-bridge/"}


def test_renaming_back_to_an_old_slug_serves_the_post_there(client, published):
    rename(published, "harbour-bridge")
    rename(published, "bridge")
    assert client.get("/posts/bridge/").status_code == 200


def test_a_new_post_claiming_an_old_slug_takes_precedence(client, published, make_post):
    rename(published, "harbour-bridge")
    make_post(title="Another bridge", slug="bridge")
    assert "Another bridge" in client.get("/posts/bridge/").content.decode()


def test_a_draft_at_an_old_slug_leaves_the_redirect_in_place(client, published, make_post):
    rename(published, "harbour-bridge")
    make_post(title="Another bridge", slug="bridge", status=Post.Status.DRAFT)
    assert client.get("/posts/bridge/")["Location"] == "/posts/harbour-bridge/"


def test_a_draft_claims_an_old_slug_when_it_is_published(client, published, make_post):
    rename(published, "harbour-bridge")
    draft = make_post(title="Another bridge", slug="bridge", status=Post.Status.DRAFT)
    draft.status = Post.Status.PUBLISHED
    draft.save()
    draft.status = Post.Status.DRAFT
    draft.save()
    assert client.get("/posts/bridge/").status_code == 404


def test_old_slug_of_a_post_that_is_now_a_draft_is_a_404(client, published):
    rename(published, "harbour-bridge")
    published.status = Post.Status.DRAFT
    published.save()
    assert client.get("/posts/bridge/").status_code == 404


def test_old_slug_of_a_post_moved_to_the_future_is_a_404(client, published):
    rename(published, "harbour-bridge")
    published.published_at = timezone.now() + timezone.timedelta(days=1)
    published.save()
    assert client.get("/posts/bridge/").status_code == 404


def test_a_drafts_earlier_slug_is_not_kept(client, draft):
    rename(draft, "renamed-draft")
    assert not OldAddress.objects.exists()


def test_old_slug_with_non_ascii_letters_redirects(client, make_post):
    post = rename(make_post(title="Café", slug="café"), "cafe-story")
    assert client.get(reverse("blog:post_detail", args=["café"]))["Location"] == (
        post.get_absolute_url()
    )


def test_cached_old_address_redirects_right_after_a_rename(
    client, published, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    assert client.get("/posts/bridge/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        rename(published, "harbour-bridge")
    assert client.get("/posts/bridge/").status_code == 301


# Deleted posts ---------------------------------------------------------------------------------


def test_deleted_published_post_is_gone(client, published):
    published.delete()
    assert client.get("/posts/bridge/").status_code == 410


def test_earlier_slugs_of_a_deleted_post_are_gone_too(client, published):
    rename(published, "harbour-bridge")
    published.delete()
    assert client.get("/posts/bridge/").status_code == 410


def test_deleted_post_that_was_published_then_unpublished_is_gone(client, published):
    published.status = Post.Status.DRAFT
    published.save()
    published.delete()
    assert client.get("/posts/bridge/").status_code == 410


def test_deleted_scheduled_post_that_went_live_by_itself_is_gone(client, make_post):
    post = make_post(slug="went-live", published_at=timezone.now() - timezone.timedelta(minutes=1))
    Post.objects.filter(pk=post.pk).update(was_published=False)
    Post.objects.get(pk=post.pk).delete()
    assert client.get("/posts/went-live/").status_code == 410


def test_deleted_post_published_and_unpublished_in_bulk_is_gone(client, draft):
    posts = Post.objects.filter(pk=draft.pk)
    posts.update(status=Post.Status.PUBLISHED, published_at=timezone.now())
    posts.update(status=Post.Status.DRAFT)
    Post.objects.get(pk=draft.pk).delete()
    assert client.get("/posts/secret-draft/").status_code == 410


def test_deleted_post_that_went_live_by_itself_then_was_unpublished_in_bulk_is_gone(
    client, make_post
):
    post = make_post(slug="went-live", published_at=timezone.now() - timezone.timedelta(minutes=1))
    posts = Post.objects.filter(pk=post.pk)
    posts.update(was_published=False)  # as saved while it was still scheduled
    posts.update(status=Post.Status.DRAFT)
    Post.objects.get(pk=post.pk).delete()
    assert client.get("/posts/went-live/").status_code == 410


def test_deleted_post_created_published_in_bulk_is_gone(client, author):
    post = Post(title="Bulk", slug="bulk", body="x", author=author, published_at=timezone.now())
    post.status = Post.Status.PUBLISHED
    Post.objects.bulk_create([post])
    Post.objects.filter(slug="bulk").update(status=Post.Status.DRAFT)
    Post.objects.get(slug="bulk").delete()
    assert client.get("/posts/bulk/").status_code == 410


def test_a_bulk_update_of_a_draft_that_stays_unseen_leaves_a_404(client, draft):
    Post.objects.filter(pk=draft.pk).update(title="Still a secret")
    Post.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    Post.objects.get(pk=draft.pk).delete()
    assert client.get("/posts/secret-draft/").status_code == 404


def test_deleted_draft_that_was_never_published_is_a_404(client, draft):
    draft.delete()
    assert client.get("/posts/secret-draft/").status_code == 404


def test_deleted_scheduled_post_that_never_went_live_is_a_404(client, scheduled):
    scheduled.delete()
    assert client.get("/posts/future-news/").status_code == 404


def test_a_new_post_at_a_gone_address_is_served(client, published, make_post):
    published.delete()
    make_post(title="Fresh bridge", slug="bridge")
    assert client.get("/posts/bridge/").status_code == 200


def test_gone_page_says_the_page_was_removed(client, published):
    published.delete()
    assert "Page removed" in client.get("/posts/bridge/").content.decode()


def test_deleting_through_the_admin_leaves_a_410(editor_client, published, client):
    url = reverse("admin:blog_post_delete", args=[published.pk])
    editor_client.post(url, {"post": "yes"})
    assert client.get("/posts/bridge/").status_code == 410


# Categories and tags ---------------------------------------------------------------------------


def test_renamed_category_redirects_from_its_old_address(client, make_post, category):
    make_post(category=category)
    rename(category, "local-news")
    assert client.get("/category/news/")["Location"] == "/category/local-news/"


def test_renamed_category_without_published_posts_is_a_404(client, draft, category):
    rename(category, "local-news")
    assert client.get("/category/news/").status_code == 404


def test_renamed_tag_redirects_from_its_old_address(client, make_post):
    make_post(tags=["Bridges"])
    tag = rename(Tag.objects.get(name="Bridges"), "spans")
    assert client.get("/tag/bridges/")["Location"] == tag.get_absolute_url()


def test_feed_of_a_renamed_category_follows_it(client, make_post, category):
    make_post(category=category)
    rename(category, "local-news")
    assert client.get("/category/news/feed/")["Location"] == "/category/local-news/feed/"


def test_feed_of_a_renamed_tag_follows_it(client, make_post):
    make_post(tags=["Bridges"])
    rename(Tag.objects.get(name="Bridges"), "spans")
    assert client.get("/tag/bridges/feed/")["Location"] == "/tag/spans/feed/"


def test_an_old_post_address_with_feed_appended_is_a_404(client, published):
    rename(published, "harbour-bridge")
    assert client.get("/posts/bridge/feed/").status_code == 404


def test_renaming_a_category_in_the_admin_redirects(editor_client, client, make_post, category):
    make_post(category=category)
    url = reverse("admin:blog_category_change", args=[category.pk])
    editor_client.post(url, {"name": "Local news", "slug": "local-news", "description": ""})
    assert client.get("/category/news/")["Location"] == "/category/local-news/"


@pytest.fixture
def two_tags(make_post):
    """Posts tagged "Python" and "python-lang", one post tagged with both."""
    make_post(title="One", slug="one", tags=["Python"])
    make_post(title="Two", slug="two", tags=["Python lang"])
    make_post(title="Both", slug="both", tags=["Python", "Python lang"])
    return Tag.objects.get(name="Python"), Tag.objects.get(name="Python lang")


def test_merging_tags_moves_every_post_to_the_survivor(two_tags):
    survivor, other = two_tags
    redirects.merge_tags(survivor, [other])
    assert sorted(survivor.tagged_posts.values_list("content_object__slug", flat=True)) == [
        "both",
        "one",
        "two",
    ]


def test_merged_tag_is_deleted(two_tags):
    survivor, other = two_tags
    redirects.merge_tags(survivor, [other])
    assert not Tag.objects.filter(pk=other.pk).exists()


def test_merged_tags_address_redirects_to_the_survivor(client, two_tags):
    survivor, other = two_tags
    redirects.merge_tags(survivor, [other])
    assert client.get(other.get_absolute_url())["Location"] == survivor.get_absolute_url()


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999999", "²"])
def test_merge_action_with_a_hand_made_id_is_a_bad_request(editor_client, two_tags, bad_id):
    response = editor_client.post(
        reverse("admin:blog_tag_changelist"),
        {"action": "merge_tags", "_selected_action": [two_tags[0].pk, bad_id]},
    )
    assert response.status_code == 400


def test_merge_action_in_the_admin_keeps_the_tag_with_most_posts(editor_client, two_tags):
    survivor, other = two_tags
    editor_client.post(
        reverse("admin:blog_tag_changelist"),
        {"action": "merge_tags", "_selected_action": [survivor.pk, other.pk]},
    )
    assert list(Tag.objects.values_list("name", flat=True)) == ["Python"]


def test_merged_posts_are_found_on_the_survivors_page(client, two_tags):
    survivor, other = two_tags
    redirects.merge_tags(survivor, [other])
    assert "Two" in client.get(survivor.get_absolute_url()).content.decode()


# The API importers use -------------------------------------------------------------------------


def test_remembered_path_of_an_old_site_redirects_to_the_post(client, published):
    redirects.remember("/2019/05/bridge/", published)
    assert client.get("/2019/05/bridge/")["Location"] == "/posts/bridge/"


def test_remembered_path_is_found_without_its_trailing_slash(client, published):
    redirects.remember("/2019/05/bridge/", published)
    assert client.get("/2019/05/bridge")["Location"] == "/posts/bridge/"


def test_remembering_a_path_again_moves_it(published, make_post):
    other = make_post(title="Other", slug="other")
    redirects.remember("/old/", published)
    redirects.remember("/old/", other)
    assert OldAddress.objects.get(path="/old/").post == other


def test_remembering_a_relative_path_is_refused(published):
    with pytest.raises(ValueError):
        redirects.remember("2019/05/bridge/", published)


def test_remembering_a_category_redirects_to_it(client, make_post, category):
    make_post(category=category)
    redirects.remember("/topics/news/", category)
    assert client.get("/topics/news/")["Location"] == "/category/news/"


def test_existing_pages_do_not_look_up_old_addresses(
    client, published, django_assert_max_num_queries
):
    rename(published, "harbour-bridge")
    redirects.remember("/elsewhere/", published)
    with django_assert_max_num_queries(50) as captured:
        client.get("/posts/harbour-bridge/")
    assert not any("blog_oldaddress" in query["sql"] for query in captured.captured_queries)


def test_static_page_url_redirects_to_where_the_page_is_served(client, db, settings):
    FlatPage.objects.create(url="/contact/", title="Contact", content="Write").sites.add(
        settings.SITE_ID
    )
    response = client.get("/contact/")
    assert (response.status_code, response["Location"]) == (301, "/pages/contact/")


def test_page_for_logged_in_readers_is_not_redirected_to(client, db, settings):
    page = FlatPage.objects.create(url="/staff/", title="Staff", registration_required=True)
    page.sites.add(settings.SITE_ID)
    assert client.get("/staff/").status_code == 404


def test_unknown_address_stays_a_404(client, db):
    assert client.get("/no/such/page/").status_code == 404
