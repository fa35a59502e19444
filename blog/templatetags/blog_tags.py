from django import template
from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.utils.encoding import escape_uri_path
from django.utils.safestring import mark_safe

from blog import links, seo
from blog.markdown import sanitize_html
from blog.models import Post, Tag

register = template.Library()


@register.filter
def shorten(text: str, length: int = 60) -> str:
    """Cut `text` to at most `length` characters on a word boundary, adding an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


# As long as the other fragments: the content version in the key drops a card on any change.
CARD_SECONDS = 3600


@register.simple_tag(takes_context=True)
def post_cards(context, post_ids):
    """The cards of a page of a list (its posts' ids), each rendered once per post and
    content version.

    The cards come from the cache in one call: reading ten posts with their category, author
    and tags, and rendering ten cards, cost several times more than all the rest of a list
    page. Missing cards are rendered from the posts read in full, only for them.
    """
    version = context["content_version"]
    keys = {pk: f"blog:post-card:{pk}:{version}" for pk in post_ids}
    cards = cache.get_many(keys.values())
    missing = [pk for pk, key in keys.items() if key not in cards]
    if missing:
        card = get_template("includes/post_card.html")
        rendered = {
            keys[post.pk]: card.render({"post": post})
            for post in Post.objects.for_listing().filter(pk__in=missing)
        }
        cache.set_many(rendered, CARD_SECONDS)
        cards.update(rendered)
    # A post deleted since its id was read has no card.
    return mark_safe("".join(cards[key] for key in keys.values() if key in cards))


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current address with only the page number changed, so filters and queries stay."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address on SITE_URL; a page of a list is canonical to itself."""
    request = context["request"]
    page = request.GET.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return settings.SITE_URL + escape_uri_path(request.path) + suffix


@register.filter
def author_url(user) -> str:
    """The author page of `user`; for lists, where {% url %} would reverse it on every card."""
    return links.address("blog:author_detail", user.get_username())


@register.simple_tag
def address(view_name: str, slug: str | None = None) -> str:
    """{% url %} for the addresses every page links (see blog/links.py): without an argument or
    with one slug, reversed once per process instead of on every page."""
    return links.fixed(view_name) if slug is None else links.address(view_name, slug)


@register.filter
def absolute(url: str) -> str:
    """A path on SITE_URL; an address with its own host stays as it is."""
    return seo.absolute_url(url)


@register.filter
def tags_of(post):
    """The tags of `post`, read at most once per request however many fragments show them
    (none when the post came with them prefetched)."""
    prefetch_related_objects([post], "tags")
    return post.tags.all()


@register.simple_tag
def blog_posting_json_ld(post):
    """The post's schema.org BlogPosting, safe to write inside a <script> element."""
    return seo.to_json_ld(seo.blog_posting(post))


@register.simple_tag
def breadcrumbs_json_ld(post):
    """The post's schema.org BreadcrumbList (Home, category, post), safe inside a <script>."""
    return seo.to_json_ld(seo.breadcrumbs(post))


@register.simple_tag
def popular_posts(count: int = 5):
    """The most read published posts (a lazy queryset: put it inside a {% cache %} block)."""
    return Post.objects.popular()[:count]


@register.simple_tag
def popular_tags(count: int = 20):
    """Tags with their number of published posts, most used first (lazy, like popular_posts)."""
    return Tag.objects.popular()[:count]


@register.filter
def sanitized(html: str) -> str:
    """Staff HTML outside Markdown (static pages), through the same allow-list."""
    return mark_safe(sanitize_html(str(html)))
