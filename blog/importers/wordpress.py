"""A WordPress export file (WXR: Tools → Export → All content in the WordPress admin).

Posts become posts: title, slug, body, excerpt, dates (from post_date_gmt, so in the right
zone), categories, tags, author, featured image. Status: publish stays published, future is
scheduled, draft, pending, private and password-protected posts become drafts; auto-drafts
and the trash are skipped. Published pages become static pages (flatpages; private ones for
logged-in readers only); unpublished pages are skipped. Comments, attachments, menus and
revisions are not imported; the report counts them.

Bodies stay HTML: HTML is valid Markdown, so Post.save() renders and sanitises them like any
post (blank lines make paragraphs, as WordPress's autop does). The importer only removes the
block editor's <!-- wp:... --> comments, turns [caption] shortcodes into figures, and drops
indentation outside <pre>, which Markdown would read as code.

Images under wp-content/uploads/ are looked up in the local copy of that folder
(--media-dir), copied into media and their references rewritten; the report lists those it
cannot find. Links between imported posts are rewritten to the new addresses once all are
in. Old permalinks redirect through blog.redirects; /?p=ID through the home page.

The file is parsed with defusedxml with DTDs forbidden: entity bombs and external entities
are refused before anything is read, and so is a file over the size limit.
"""

import hashlib
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml
from defusedxml import ElementTree
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from blog import images, redirects
from blog.importers.base import (
    IMAGE_SUFFIXES,
    Author,
    Entry,
    Importer,
    ImportProblem,
    PostData,
    Skip,
    aware,
    checksum,
    inside,
    save_post,
)
from blog.markdown import plain_text, render_markdown
from blog.models import ImportRecord, Post

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS = re.compile(r"^http://wordpress\.org/export/[\d.]+/(excerpt/)?$")
NO_DATE = "0000-00-00 00:00:00"
UPLOADS = "/wp-content/uploads/"
MEDIA_FOLDER = "imported"

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # with its date ahead: scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
NOT_IMPORTED = {
    "trash": "in the WordPress trash",
    "auto-draft": "an auto-draft WordPress never saved",
    "inherit": "a revision",
}

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->[ \t]*\n?", re.S)
CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.S)
CAPTIONED = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S)
PRE = re.compile(r"(<pre\b.*?</pre>)", re.S | re.I)
ATTRIBUTE = re.compile(r"""(\s(src|href)\s*=\s*)(["'])(.*?)\3""", re.S | re.I)


@dataclass
class Item:
    """The parts of an <item> the import uses."""

    id: str
    type: str
    status: str
    title: str
    slug: str
    link: str
    content: str
    excerpt: str
    creator: str
    date: str
    date_gmt: str
    password: str
    attachment_url: str
    meta: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # domain, slug, name
    comments: int = 0


class WordPressImporter(Importer):
    def __init__(self, path: Path, media_dir: Path | None = None, max_bytes=DEFAULT_MAX_BYTES):
        self.path = path
        self.media_dir = media_dir.resolve() if media_dir else None
        self.max_bytes = max_bytes
        self.uploads: dict[str, tuple[Path, str] | None] = {}

    def entries(self) -> list[Entry]:
        if self.media_dir and not self.media_dir.is_dir():
            # Else every image would count as missing, and a second run would strip the covers.
            raise ImportProblem(
                f"The media folder {self.media_dir} is not a folder: give the copy of the "
                "old site's wp-content/uploads."
            )
        channel = read_channel(self.path, self.max_bytes)
        info = _fields(channel)
        self.site = info.get("wp:base_blog_url") or info.get("link") or ""
        self.host = urlsplit(self.site).netloc
        self.source = f"wordpress:{self.host}"
        self.authors = {}
        for element in channel:
            if _name(element.tag) == "wp:author":
                author = _fields(element)
                login = author.get("wp:author_login", "")
                self.authors[login] = Author(
                    username=login,
                    email=author.get("wp:author_email", ""),
                    first_name=author.get("wp:author_first_name", ""),
                    last_name=author.get("wp:author_last_name", ""),
                )
        items = [parse_item(element) for element in channel.findall("item")]
        self.attachments = {item.id: item for item in items if item.type == "attachment"}
        other_types = Counter(item.type for item in items if item.type not in ("post", "page"))
        comments = sum(item.comments for item in items)
        if comments:
            self.report.notes.append(f"Not imported: comments ({comments:,}).")
        for kind, count in sorted(other_types.items()):
            self.report.notes.append(f"Not imported: {kind} items ({count:,}).")
        entries = [self.entry(item) for item in items if item.type in ("post", "page")]
        # An ID names one post: importing both items would leave one post no run updates.
        uses = Counter(entry.key for entry in entries)
        for entry in entries:
            if entry.key and uses[entry.key] > 1:
                entry.problem = f"its ID {entry.key} is used by {uses[entry.key]} items of the file"
        return entries

    def entry(self, item: Item) -> Entry:
        label = f"{item.type} {item.id or '?'} “{item.title or '(no title)'}”"
        entry = Entry(key=item.id, label=label, old_url=item.link, data=item)
        if not item.id.isdigit():
            entry.problem = "it has no <wp:post_id>"
        elif item.status in NOT_IMPORTED:
            entry.skip = NOT_IMPORTED[item.status]
        elif item.type == "page" and item.status not in ("publish", "private"):
            entry.skip = f"an unpublished page ({item.status}): static pages have no drafts"
        elif not item.title.strip():
            entry.problem = "it has no title"
        else:
            found = [self.upload(url, entry.label) for url in self.image_urls(item)]
            digests = (hashlib.sha256(f[0].read_bytes()).hexdigest() for f in found if f)
            entry.checksum = checksum(repr(item), *digests)
        return entry

    def image_urls(self, item: Item) -> list[str]:
        urls = [unescape_url(match[4]) for match in ATTRIBUTE.finditer(item.content)]
        urls = [url for url in urls if self.upload_path(url)]
        thumbnail = self.attachments.get(item.meta.get("_thumbnail_id", ""))
        if thumbnail and item.type == "post":
            urls.append(thumbnail.attachment_url)
        return urls

    def upload_path(self, url: str) -> str:
        """The path under wp-content/uploads/ of an image of the old site, else ""."""
        parts = urlsplit(url)
        if parts.netloc not in ("", self.host) or UPLOADS not in parts.path:
            return ""
        relative = unquote(parts.path.split(UPLOADS, 1)[1])
        return relative if PurePosixPath(relative).suffix.lower() in IMAGE_SUFFIXES else ""

    def upload(self, url: str, label: str) -> tuple[Path, str] | None:
        """(the local file, its path under uploads) of an image URL; reports it when missing."""
        relative = self.upload_path(url)
        if relative not in self.uploads:
            found = self.media_dir and inside(self.media_dir, relative)
            self.uploads[relative] = (found, relative) if found and usable(found) else None
        found = self.uploads[relative]
        if found is None:
            self.report.missing_images.append((label, url))
        return found

    def save(self, entry: Entry, existing, files):
        item: Item = entry.data
        body = self.localise_images(wordpress_html(item.content), files)
        if item.type == "page":
            return self.save_page(item, body, existing)
        post = save_post(self.post_data(item, body), existing, files)
        old_path = urlsplit(item.link).path
        if old_path.strip("/"):
            try:
                redirects.remember(old_path, post)
            except ValueError as error:
                self.report.notes.append(f"{entry.label}: old address not kept: {error}")
        return post

    def post_data(self, item: Item, body: str) -> PostData:
        status = POST_STATUSES.get(item.status)
        if status is None:
            raise Skip(f"its status {item.status!r} is not one WordPress publishes")
        if item.password:
            # Meant for readers with the password: not for everyone.
            status = Post.Status.DRAFT
        published_at = wordpress_date(item.date_gmt, item.date)
        if status == Post.Status.PUBLISHED and published_at is None:
            raise ImportProblem("it is published but has no date")
        thumbnail = self.attachments.get(item.meta.get("_thumbnail_id", ""))
        cover = thumbnail and self.uploads.get(self.upload_path(thumbnail.attachment_url))
        return PostData(
            title=item.title.strip(),
            body=body,
            author=self.authors.get(item.creator) or Author(username=item.creator),
            slug=unquote(item.slug),
            status=status,
            published_at=published_at,
            excerpt=plain_text(item.excerpt),
            categories=[(name, slug) for kind, slug, name in item.categories if kind == "category"],
            tags=[name for domain, _, name in item.categories if domain == "post_tag"],
            cover=cover[0] if cover else None,
            cover_alt=thumbnail.meta.get("_wp_attachment_image_alt", "") if thumbnail else "",
        )

    def save_page(self, item: Item, body: str, page: FlatPage | None) -> FlatPage:
        # Stored decoded, as the admin's URL field and the flatpage view both read it.
        url = "/" + unquote(urlsplit(item.link).path).strip("/") + "/"
        if url == "//":
            url = f"/{unquote(item.slug) or item.id}/"
        if FlatPage.objects.filter(url=url).exclude(pk=page.pk if page else None).exists():
            raise Skip(f"a static page at {url} exists on this site already")
        page = page or FlatPage()
        page.url, page.title = url, item.title.strip()
        page.content = render_markdown(body)
        page.registration_required = item.status == "private"
        page.full_clean(exclude=["sites"])
        page.save()
        page.sites.add(settings.SITE_ID)
        return page

    def localise_images(self, body: str, files) -> str:
        """Copy the body's images found locally into media and point the body at the copies."""

        def replace(match):
            found = self.uploads.get(self.upload_path(unescape_url(match[4])))
            if not found:
                return match[0]
            path, relative = found
            name = files.copy_image(path, f"{MEDIA_FOLDER}/{relative}")
            return f"{match[1]}{match[3]}{default_storage.url(name)}{match[3]}"

        return ATTRIBUTE.sub(replace, body)

    def finish(self) -> None:
        """Point links between imported posts and pages at their new addresses."""
        records = ImportRecord.objects.filter(source=self.source).select_related("post", "page")
        addresses = {}
        for record in records:
            target = record.post or record.page
            if target is None:
                continue
            addresses[f"id:{record.external_key}"] = target.get_absolute_url()
            if key := self.link_key(record.old_url):
                addresses[key] = target.get_absolute_url()
        for record in records:
            if record.post:
                self.rewrite(record.post, "body", addresses)
            elif record.page:
                self.rewrite(record.page, "content", addresses)

    def rewrite(self, obj, field_name: str, addresses: dict[str, str]) -> None:
        def replace(match):
            if match[2].lower() != "href":
                return match[0]
            url = unescape_url(match[4])
            new = addresses.get(self.link_key(url))
            if new is None:
                return match[0]
            fragment = urlsplit(url).fragment
            new += f"#{fragment}" if fragment else ""
            return f"{match[1]}{match[3]}{html.escape(new)}{match[3]}"

        text = getattr(obj, field_name)
        rewritten = ATTRIBUTE.sub(replace, text)
        if rewritten != text:
            setattr(obj, field_name, rewritten)
            with transaction.atomic():
                obj.save()

    def link_key(self, url: str) -> str | None:
        """What identifies a link to a post of the old site: its path, or its ID (?p=)."""
        parts = urlsplit(url)
        if parts.netloc not in ("", self.host) or (not parts.netloc and not url.startswith("/")):
            return None
        query = parse_qs(parts.query)
        for name in ("p", "page_id"):
            if query.get(name, [""])[0].isdigit():
                return f"id:{query[name][0]}"
        path = unquote(parts.path).strip("/")
        return f"path:{path}" if path else None


def read_channel(path: Path, max_bytes: int):
    """The <channel> of a WXR file, parsed safely; ImportProblem says why a file is refused."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportProblem(f"Cannot read {path}: {error.strerror}.") from None
    if path.is_dir():
        raise ImportProblem(f"{path} is a folder: give the .xml file of Tools → Export.")
    if size > max_bytes:
        raise ImportProblem(
            f"{path.name} is {filesizeformat(size)}, over the limit of "
            f"{filesizeformat(max_bytes)}; raise it with --max-size if the file is genuine."
        )
    try:
        root = ElementTree.parse(str(path), forbid_dtd=True).getroot()
    except defusedxml.DTDForbidden:
        raise ImportProblem(
            f"{path.name} was refused: it declares a document type (<!DOCTYPE>), which a "
            "WordPress export never does; such declarations can expand entities without "
            "limit or read other files."
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise ImportProblem(f"{path.name} was refused: it declares XML entities.") from None
    except ParseError as error:
        raise ImportProblem(f"{path.name} is not well-formed XML: {error}.") from None
    except OSError as error:
        raise ImportProblem(f"Cannot read {path}: {error.strerror}.") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or channel.find("*") is None:
        raise ImportProblem(f"{path.name} is not a WordPress export file (no RSS channel).")
    if not any(_name(element.tag) == "wp:wxr_version" for element in channel):
        raise ImportProblem(f"{path.name} is not a WordPress export file (no wp:wxr_version).")
    return channel


def parse_item(element) -> Item:
    fields = _fields(element)
    item = Item(
        id=fields.get("wp:post_id", "").strip(),
        type=fields.get("wp:post_type", "post").strip(),
        status=fields.get("wp:status", "").strip(),
        title=html.unescape(fields.get("title", "")),
        slug=fields.get("wp:post_name", "").strip(),
        link=fields.get("link", "").strip(),
        content=fields.get("content:encoded", ""),
        excerpt=fields.get("excerpt:encoded", ""),
        creator=fields.get("dc:creator", "").strip(),
        date=fields.get("wp:post_date", "").strip(),
        date_gmt=fields.get("wp:post_date_gmt", "").strip(),
        password=fields.get("wp:post_password", ""),
        attachment_url=fields.get("wp:attachment_url", "").strip(),
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            slug = unquote(child.get("nicename", ""))
            item.categories.append((child.get("domain", ""), slug, html.unescape(child.text or "")))
        elif name == "wp:postmeta":
            meta = _fields(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments += 1
    return item


def wordpress_date(gmt: str, local: str) -> datetime | None:
    """post_date_gmt is UTC; WordPress leaves it empty for drafts never given a date."""
    try:
        if gmt and gmt != NO_DATE:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        if local and local != NO_DATE:
            # No zone in the file: the site's own.
            return aware(datetime.fromisoformat(local))
    except ValueError:
        raise ImportProblem(f"its date {gmt or local!r} is not a date") from None
    return None


def wordpress_html(content: str) -> str:
    """WordPress's stored HTML made ready for the Markdown renderer (see the module docstring)."""
    content = BLOCK_COMMENT.sub("", content.replace("\r\n", "\n"))
    content = CAPTION.sub(_figure, content)
    parts = PRE.split(content)
    for index in range(0, len(parts), 2):
        parts[index] = "\n".join(line.lstrip() for line in parts[index].split("\n"))
    return "".join(parts).strip()


def _figure(match) -> str:
    captioned = CAPTIONED.match(match[1])
    if not captioned:
        return match[1]
    image, caption = captioned[1], captioned[2].strip()
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def usable(path: Path) -> bool:
    """Whether Pillow reads the file as one of the image formats covers may be."""
    try:
        images.open_image(io.BytesIO(path.read_bytes()))
    except (ValidationError, OSError):
        return False
    return True


def unescape_url(value: str) -> str:
    return html.unescape(value.strip())


def _name(tag: str) -> str:
    """ "wp:post_id", "content:encoded", "excerpt:encoded", "dc:creator", "title"..."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri == CONTENT_NS:
        return f"content:{local}"
    if uri == DC_NS:
        return f"dc:{local}"
    if match := WP_NS.match(uri):
        return f"{'excerpt' if match[1] else 'wp'}:{local}"
    return tag


def _fields(element) -> dict[str, str]:
    fields = {}
    for child in element:
        fields.setdefault(_name(child.tag), child.text or "")
    return fields
