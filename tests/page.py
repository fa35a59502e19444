"""A page as a search engine or social network reads it, parsed with the standard library."""

import json
from collections import defaultdict
from html.parser import HTMLParser


class Page(HTMLParser):
    """The title, meta tags, JSON-LD blocks, links and element ids of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta = defaultdict(list)  # property or name -> contents, in page order
        self.json_ld = []
        self.links = []  # (href, text) of every <a>
        self.ids = set()
        self._in_title = False
        self._script = None  # the text of the JSON-LD script being read
        self._link = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]].append(attrs.get("content"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []
        elif tag == "a":
            self._link = [attrs.get("href"), ""]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._script is not None:
            self._script.append(data)
        if self._link:
            self._link[1] += data

    def one(self, name: str) -> str | None:
        """The content of the only meta tag called `name` (None when there is none)."""
        contents = self.meta.get(name, [])
        assert len(contents) <= 1, f"{name} appears {len(contents)} times"
        return contents[0] if contents else None

    def ld(self, kind: str) -> dict:
        (block,) = [block for block in self.json_ld if block.get("@type") == kind]
        return block

    def hrefs(self) -> list[str]:
        return [href for href, _ in self.links]


def page(response) -> Page:
    assert response.status_code == 200, response.status_code
    return Page(response.content.decode())
