"""Markdown to safe HTML, done once when a post is saved."""

import math
import re
from html import unescape
from urllib.parse import urljoin

import nh3
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify as heading_slug
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "figcaption", "figure", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "section",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "code": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "hr": {"class"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id", "class"},
    "ol": {"start", "class"},
    "section": {"class"},
    "sup": {"class", "id"},
    "td": {"style"},
    "th": {"style"},
}
# Set on every body image, whatever the Markdown or raw HTML said: body images come after the
# title and the cover, so the browser fetches them as the reader scrolls.
IMAGE_LOADING = {"img": {"loading": "lazy", "decoding": "async"}}
WORDS_PER_MINUTE = 220
CJK_CHARACTERS_PER_MINUTE = 500
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


# Ids the page templates use; a body heading must not take one of them.
PAGE_IDS = frozenset(
    {
        "main", "site-search-q", "search-q", "notfound-q", "toc-title", "related-title",
        "featured-title", "more-to-read-title", "popular-posts-title", "topics-title",
        "archive-title",
    }
)  # fmt: skip


def _heading_id(title: str) -> str:
    slug = heading_slug(title) or "section"
    return f"{slug}-section" if slug in PAGE_IDS else slug


def _demote_h1(state):
    # The post title is the page's only h1; "# Heading" in a body becomes an h2.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


_parser = (
    MarkdownIt("commonmark", {"linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(anchors_plugin, min_level=1, max_level=6, slug_func=_heading_id)
)
_parser.core.ruler.push("demote_h1", _demote_h1)


# Ids and classes the renderer itself writes; raw HTML in a body may not borrow the page's own.
GENERATED_ID = re.compile(r"^(fn\d+|fnref\d+(:\d+)?)$")
HEADING = re.compile(r"^h[2-6]$")
GENERATED_CLASSES = {
    "footnote-ref", "footnote-backref", "footnote-item", "footnotes", "footnotes-list",
    "footnotes-sep",
}  # fmt: skip
LANGUAGE_CLASS = re.compile(r"^language-[\w+-]+$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        allowed = HEADING.match(tag) and value not in PAGE_IDS or GENERATED_ID.match(value)
        return value if allowed else None
    if attribute == "class":
        allowed = value in GENERATED_CLASSES or (tag == "code" and LANGUAGE_CLASS.match(value))
        return value if allowed else None
    return value


def render_markdown(source: str) -> str:
    """Render Markdown and sanitise the result: no script, no handlers, no javascript: URLs."""
    return sanitize_html(_parser.render(source.replace("\x00", "")))


def sanitize_html(html: str) -> str:
    """The allow-list every stored HTML body passes through."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        set_tag_attribute_values=IMAGE_LOADING,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


LINK_ATTRIBUTE = re.compile(r'(href|src)="([^"]*)"')


def absolute_urls(html: str, page_url: str) -> str:
    """Links and images made absolute against `page_url`, for feed readers elsewhere."""
    return LINK_ATTRIBUTE.sub(
        lambda m: f'{m[1]}="{escape(urljoin(page_url, unescape(m[2])))}"', html
    )


FOOTNOTES = re.compile(
    r'<sup class="footnote-ref">.*?</sup>|<section class="footnotes">.*?</section>', re.DOTALL
)


def plain_text(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def running_text(html: str) -> str:
    """The text a reader reads through: without footnote marks and notes."""
    return plain_text(FOOTNOTES.sub(" ", html))


def excerpt_from_html(html: str, words: int = 40, characters: int = 240) -> str:
    # Characters cap text without spaces between words (Chinese, Japanese).
    truncator = Truncator(Truncator(running_text(html)).words(words, truncate="…"))
    return truncator.chars(characters, truncate="…")


def reading_time(html: str) -> int:
    """Whole minutes to read, rounded up and at least one; CJK text counts characters."""
    text = running_text(html)
    cjk_characters = len(CJK.findall(text))
    words = len(WORD.findall(CJK.sub(" ", text)))
    minutes = words / WORDS_PER_MINUTE + cjk_characters / CJK_CHARACTERS_PER_MINUTE
    return max(1, math.ceil(minutes))
