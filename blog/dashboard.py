"""The editors' dashboard on the admin index, and the views charts.

Figures a user may see: an author only their own drafts and scheduled posts and their own
recent changes; everyone the most read published posts. Charts are SVG drawn here, on
the server: the admin runs no script for them (the Content-Security-Policy forbids
inline scripts anyway).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from blog import roles, view_counts
from blog.models import DailyPostViews, Post

DAYS = 30
LISTED = 10
CHART_WIDTH, CHART_HEIGHT = 600, 120


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: object
    views: int


def last_days(days: int = DAYS):
    """The first and the last (today) of the last `days` days, in the site's time zone."""
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today


def chart(per_day: list[tuple]) -> dict:
    """Bars for (day, views) pairs, scaled to the chart; the tallest bar fills its height."""
    peak = max((views for _, views in per_day), default=0)
    step = CHART_WIDTH / max(len(per_day), 1)
    bars = []
    for n, (day, views) in enumerate(per_day):
        height = CHART_HEIGHT * views / peak if peak else 0
        bars.append(Bar(n * step + 1, CHART_HEIGHT - height, step - 2, height, day, views))
    return {
        "bars": bars,
        "peak": peak,
        "total": sum(views for _, views in per_day),
        "first_day": per_day[0][0] if per_day else None,
        "last_day": per_day[-1][0] if per_day else None,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


def post_chart_html(post) -> str:
    first, last = last_days()
    per_day = DailyPostViews.objects.filter(post=post).per_day(first, last)
    return render_to_string("admin/blog/views_chart.html", {"chart": chart(per_day)})


def figures(user) -> dict:
    # Reads still waiting in Redis are counted in these figures too.
    view_counts.flush()
    posts = Post.objects.all()
    changes = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Post))
    if not roles.can_publish(user):
        posts, changes = posts.filter(author=user), changes.filter(user=user)
    first, last = last_days()
    published = Post.objects.published()
    recent_views = (
        DailyPostViews.objects.filter(day__range=(first, last), post__in=published)
        .values("post_id", "post__title")
        .annotate(views=Sum("views"))
        .order_by("-views", "post__title")
    )
    drafts = posts.filter(status=Post.Status.DRAFT)
    return {
        "draft_count": drafts.count(),
        "drafts": drafts.select_related("author").order_by("-updated_at")[:LISTED],
        "scheduled": posts.scheduled().select_related("author").order_by("published_at")[:LISTED],
        "most_viewed": published.order_by("-view_count", "-published_at").only(
            "title", "view_count"
        )[:LISTED],
        "most_viewed_recently": recent_views[:LISTED],
        "chart": chart(DailyPostViews.objects.per_day(first, last)),
        "recent_changes": changes.select_related("user").order_by("-action_time")[:LISTED],
        "days": DAYS,
    }
