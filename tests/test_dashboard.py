"""The dashboard on the admin index, the daily views behind it, and the charts."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from blog import dashboard
from blog.models import DailyPostViews, Post

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def days_ago(n):
    return timezone.localdate() - timezone.timedelta(days=n)


def views(post, day, count):
    DailyPostViews.objects.create(post=post, day=day, views=count)


# Daily views written by the view counter -------------------------------------------------------


def test_a_counted_read_adds_one_to_todays_views(client, make_post):
    post = make_post(slug="read-me")
    client.get("/posts/read-me/", **READER)
    assert DailyPostViews.objects.get(post=post).views == 1


def test_reads_on_one_day_share_one_row(client, make_post):
    post = make_post(slug="read-me")
    client.get("/posts/read-me/", **READER)
    client.cookies.clear()
    client.get("/posts/read-me/", **READER)
    assert list(DailyPostViews.objects.values_list("post_id", "day", "views")) == [
        (post.pk, timezone.localdate(), 2)
    ]


def test_upsert_adds_to_an_existing_row(make_post):
    post = make_post(slug="counted")
    views(post, timezone.localdate(), 41)
    DailyPostViews.objects.count_view("counted")
    assert DailyPostViews.objects.get(post=post).views == 42


def test_upsert_ignores_a_draft(draft):
    DailyPostViews.objects.count_view(draft.slug)
    assert not DailyPostViews.objects.exists()


def test_upsert_is_one_statement(make_post, django_assert_num_queries):
    make_post(slug="counted")
    # INSERT INTO blog_dailypostviews ... SELECT ... ON CONFLICT (post_id, day) DO UPDATE ...
    with django_assert_num_queries(1):
        DailyPostViews.objects.count_view("counted")


def test_a_bots_read_is_not_counted_per_day(client, make_post):
    make_post(slug="read-me")
    client.get("/posts/read-me/", HTTP_USER_AGENT="Googlebot/2.1")
    assert not DailyPostViews.objects.exists()


# Figures -------------------------------------------------------------------------------------


@pytest.fixture
def newsroom(make_post, editor):
    """Two drafts, one scheduled post and two published posts with views."""
    make_post(title="Draft one", slug="d1", status=Post.Status.DRAFT)
    make_post(title="Draft two", slug="d2", status=Post.Status.DRAFT)
    make_post(
        title="Tomorrow's news",
        slug="tomorrow",
        published_at=timezone.now() + timezone.timedelta(days=1),
    )
    old = make_post(title="Old favourite", slug="old", view_count=900)
    fresh = make_post(title="Fresh hit", slug="fresh", view_count=50)
    views(old, days_ago(40), 800)
    views(old, days_ago(3), 5)
    views(fresh, days_ago(1), 30)
    views(fresh, days_ago(0), 20)
    return editor


def test_dashboard_counts_drafts_waiting(newsroom):
    assert dashboard.figures(newsroom)["draft_count"] == 2


def test_dashboard_lists_scheduled_posts_with_their_times(newsroom):
    assert [post.title for post in dashboard.figures(newsroom)["scheduled"]] == ["Tomorrow's news"]


def test_most_viewed_of_all_time_ranks_by_total_views(newsroom):
    titles = [post.title for post in dashboard.figures(newsroom)["most_viewed"]]
    assert titles == ["Old favourite", "Fresh hit"]


def test_most_viewed_of_the_last_30_days_counts_only_those_days(newsroom):
    rows = dashboard.figures(newsroom)["most_viewed_recently"]
    assert [(row["post__title"], row["views"]) for row in rows] == [
        ("Fresh hit", 50),
        ("Old favourite", 5),
    ]


def test_site_chart_has_one_bar_a_day_for_30_days(newsroom):
    assert len(dashboard.figures(newsroom)["chart"]["bars"]) == 30


def test_site_chart_totals_the_last_30_days(newsroom):
    assert dashboard.figures(newsroom)["chart"]["total"] == 55


def test_tallest_bar_fills_the_chart(newsroom):
    chart = dashboard.figures(newsroom)["chart"]
    assert max(bar.height for bar in chart["bars"]) == dashboard.CHART_HEIGHT


def test_authors_dashboard_shows_only_their_own_drafts(newsroom, make_post, django_user_model):
    writer = django_user_model.objects.create_user(username="writer", is_staff=True)
    writer.groups.add(Group.objects.get(name="Author"))
    make_post(title="Mine", slug="mine", status=Post.Status.DRAFT, author=writer)
    assert [post.title for post in dashboard.figures(writer)["drafts"]] == ["Mine"]


# Pages -----------------------------------------------------------------------------------------


def test_admin_index_shows_the_dashboard(editor_client, newsroom):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "Drafts waiting (2)" in html and "Tomorrow&#x27;s news" in html


def test_admin_index_draws_the_chart_as_svg_without_scripts(editor_client, newsroom):
    html = editor_client.get(reverse("admin:index")).content.decode()
    section = html[html.index('id="editor-dashboard"') :]
    assert "<svg" in section and "<script" not in section.split("</svg>")[0]


def test_admin_index_lists_recent_changes(editor_client, draft):
    editor_client.post(
        reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "changed “Secret draft” (Published now.)" in html


def test_post_change_form_shows_its_own_30_day_chart(editor_client, newsroom):
    fresh = Post.objects.get(slug="fresh")
    html = editor_client.get(reverse("admin:blog_post_change", args=[fresh.pk])).content.decode()
    assert "50 views from" in html
