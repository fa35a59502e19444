"""Markdown rendering: what writers type becomes safe HTML with stable heading anchors."""

from html.parser import HTMLParser

import pytest

from blog.markdown import excerpt_from_html, render_markdown


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    """Every start tag in `html`, as (tag name, attributes), in document order."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def tag_names(html: str) -> set[str]:
    return {tag for tag, _ in elements(html)}


def urls(html: str) -> list[str]:
    """Every href and src value, as a browser would read it (no blanks, lower case)."""
    return [
        "".join(value.split()).lower()
        for _, attrs in elements(html)
        for name, value in attrs.items()
        if name in {"href", "src"} and value is not None
    ]


# Headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "heading"),
    [
        ("## Sub section", ("h2", {"id": "sub-section"})),
        ("### Über café", ("h3", {"id": "über-café"})),
        ("#### What's next?", ("h4", {"id": "whats-next"})),
        ("###### Small print", ("h6", {"id": "small-print"})),
    ],
)
def test_headings_get_id_anchors(source, heading):
    assert elements(render_markdown(source)) == [heading]


def test_heading_anchor_is_the_same_on_every_render():
    source = "## Who voted, and why\n\nText."
    assert render_markdown(source) == render_markdown(source)


def test_repeated_headings_get_distinct_anchors():
    ids = [attrs["id"] for _, attrs in elements(render_markdown("## Update\n\n## Update"))]
    assert ids == ["update", "update-1"]


def test_h1_is_demoted_to_h2():
    assert elements(render_markdown("# A heading in the body")) == [
        ("h2", {"id": "a-heading-in-the-body"})
    ]


# Tables and footnotes ------------------------------------------------------------------------


def test_tables_are_rendered():
    source = "| Party | Seats |\n|---|--:|\n| Greens | 12 |"
    assert tag_names(render_markdown(source)) == {"table", "thead", "tbody", "tr", "th", "td"}


def test_table_column_alignment_is_kept():
    source = "| Party | Seats |\n|---|--:|\n| Greens | 12 |"
    cells = [attrs for tag, attrs in elements(render_markdown(source)) if tag == "td"]
    assert cells == [{}, {"style": "text-align:right"}]


def test_footnote_reference_links_to_its_note():
    html = render_markdown("The figure was revised.[^1]\n\n[^1]: Statistics office, May.")
    reference = [attrs["href"] for tag, attrs in elements(html) if tag == "a"][0]
    note_ids = [attrs.get("id") for tag, attrs in elements(html) if tag == "li"]
    assert (reference, note_ids) == ("#fn1", ["fn1"])


def test_footnote_text_is_rendered():
    html = render_markdown("The figure was revised.[^1]\n\n[^1]: Statistics office, May.")
    assert "Statistics office, May." in html


# Ordinary Markdown survives the sanitiser ----------------------------------------------------


def test_ordinary_formatting_is_kept():
    html = render_markdown("**bold** _em_ `code` ~~gone~~\n\n- one\n- two\n\n> quoted")
    assert {"strong", "em", "code", "s", "ul", "li", "blockquote"} <= tag_names(html)


def test_https_links_are_kept_with_a_safe_rel():
    html = render_markdown("[Source](https://example.com/report)")
    assert elements(html)[1] == (
        "a",
        {"href": "https://example.com/report", "rel": "noopener noreferrer nofollow"},
    )


def test_images_with_https_sources_are_kept():
    html = render_markdown("![Harbour at dusk](https://example.com/harbour.jpg)")
    image = {
        "src": "https://example.com/harbour.jpg",
        "alt": "Harbour at dusk",
        "loading": "lazy",
        "decoding": "async",
    }
    assert ("img", image) in elements(html)


# Hostile Markdown ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Text <SCRIPT src=https://evil.example/x.js></SCRIPT>",
        "<div><script>alert(1)</script></div>",
        "<scr<script>ipt>alert(1)</script>",
    ],
)
def test_script_is_removed(source):
    html = render_markdown(source)
    assert "script" not in tag_names(html) and "alert(1)" not in html


@pytest.mark.parametrize(
    "source",
    [
        '<img src="https://example.com/x.png" onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        "<p onmouseover=alert(1)>hover</p>",
        '<svg onload="alert(1)"></svg>',
        '<h2 id="x" onfocus="alert(1)" autofocus tabindex="1">x</h2>',
    ],
)
def test_event_handlers_are_removed(source):
    html = render_markdown(source)
    handlers = [name for _, attrs in elements(html) for name in attrs if name.startswith("on")]
    assert handlers == [] and "alert(1)" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">y</a>',
        '<a href=" JAVASCRIPT:alert(1)">y</a>',
        '<a href="jav&#x09;ascript:alert(1)">y</a>',
        '<a href="&#106;avascript:alert(1)">y</a>',
        '<img src="javascript:alert(1)">',
    ],
)
def test_javascript_urls_are_removed(source):
    assert [url for url in urls(render_markdown(source)) if "javascript:" in url] == []


@pytest.mark.parametrize(
    "source",
    [
        "![pixel](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<img src="DATA:image/svg+xml,<svg onload=alert(1)>">',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ],
)
def test_data_urls_are_removed(source):
    assert [url for url in urls(render_markdown(source)) if url.startswith("data:")] == []


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ("<style>body { display: none }</style>", "style"),
        ('<object data="https://evil.example/x.swf"></object>', "object"),
        ('<embed src="https://evil.example/x.swf">', "embed"),
        ('<form action="https://evil.example"><input name="password"></form>', "form"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "link"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "meta"),
    ],
)
def test_embedding_elements_are_removed(source, tag):
    assert tag not in tag_names(render_markdown(source))


def test_style_content_is_removed_with_its_element():
    assert "display" not in render_markdown("<style>body { display: none }</style>")


def test_cell_styles_other_than_alignment_are_removed():
    html = render_markdown(
        '<table><tr><td style="position: fixed; inset: 0; text-align: left">x</td></tr></table>'
    )
    cell = [attrs for tag, attrs in elements(html) if tag == "td"][0]
    assert cell == {"style": "text-align:left"}


def test_nul_characters_are_dropped():
    assert "\x00" not in render_markdown("Nul\x00 inside")


@pytest.mark.parametrize(
    "html",
    ['<a id="main" href="#">x</a>', '<p class="skip-link">x</p>', '<h2 id="main">Main</h2>'],
)
def test_raw_html_cannot_take_the_pages_ids_or_classes(html):
    rendered = render_markdown(html)
    assert 'id="main"' not in rendered and "skip-link" not in rendered


def test_excerpt_of_text_without_spaces_is_cut_by_characters():
    assert len(excerpt_from_html(render_markdown("日本語の記事です。" * 300))) <= 240


def test_excerpt_leaves_out_footnotes():
    html = render_markdown("The council met.[^1]\n\n[^1]: Minutes are online.")
    assert excerpt_from_html(html) == "The council met."
