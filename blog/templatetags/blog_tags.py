from django import template
from django.conf import settings
from django.utils.encoding import escape_uri_path

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
