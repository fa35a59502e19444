"""A folder of Markdown files with front matter, as Jekyll, Hugo and Eleventy keep them.

Front matter is YAML between `---` lines (or TOML between `+++`, as Hugo also writes it).
Recognised keys, with the aliases the three generators use:

- title (required); slug, else the file name (without Jekyll's date) or a page bundle's folder
- date (or publishDate), else the date in a Jekyll file name; without a zone: the site's zone
- draft: true, or published: false, or a file under _drafts/, make a draft
- tags; categories (or category): the first is the category, the others become tags
- excerpt (or summary, or description); meta_description (or description next to an excerpt)
- cover_image (or image, featured_image, images: [first], cover: path or {image, alt}),
  cover_image_alt (or image_alt); paths relative to the file, or to the folder (or its static/)
- author (a username), featured, seo_title
"""

import hashlib
import re
import tomllib
from datetime import date, datetime
from pathlib import Path

import yaml

from blog.importers.base import (
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
from blog.models import ImportRecord, Post
from blog.tagging import parse_tags

MAX_FILE_BYTES = 10 * 1024 * 1024
SUFFIXES = {".md", ".markdown"}
# Folders of a site's source that hold templates, themes or build output, not posts.
NOT_CONTENT = {
    "_site", "_layouts", "_includes", "_data", "_sass", "node_modules", "public",
    "resources", "themes", "archetypes", "layouts", "vendor",
}  # fmt: skip
FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*$"
    r"|\+\+\+[ \t]*\r?\n(?P<toml>.*?)^\+\+\+[ \t]*$)\r?\n?",
    re.S | re.M,
)
JEKYLL_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)$")


class MarkdownImporter(Importer):
    def __init__(self, folder: Path, default_author=None):
        self.folder = folder.resolve()
        self.default_author = default_author
        # Entries are keyed by their path inside the folder: two sites' _posts/hello.md must
        # not update each other's post. (A moved folder imports as a new source.)
        source = f"markdown:{self.folder}"
        max_length = ImportRecord._meta.get_field("source").max_length
        if len(source) > max_length:
            source = f"markdown:…{hashlib.sha256(source.encode()).hexdigest()}"
        self.source = source

    def entries(self) -> list[Entry]:
        if not self.folder.is_dir():
            raise ImportProblem(f"{self.folder} is not a folder.")
        return [self.read(path) for path in markdown_files(self.folder)]

    def read(self, path: Path) -> Entry:
        key = path.relative_to(self.folder).as_posix()
        entry = Entry(key=key, label=key)
        try:
            raw = path.read_bytes()
            if len(raw) > MAX_FILE_BYTES:
                raise ImportProblem(
                    f"the file has {len(raw):,} bytes; a post may have {MAX_FILE_BYTES:,}"
                )
            entry.data = self.post_data(path, key, raw)
        except ImportProblem as problem:
            entry.problem = str(problem)
        except Skip as reason:
            entry.skip = str(reason)
        else:
            cover = entry.data.cover.read_bytes() if entry.data.cover else b""
            entry.checksum = checksum(raw, cover)
        return entry

    def post_data(self, path: Path, key: str, raw: bytes) -> PostData:
        if path.name == "_index.md":
            raise Skip("a Hugo section page, not a post")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportProblem(f"not UTF-8 text (byte {error.start})") from None
        meta, body = front_matter(text)
        title = _text(meta, "title")
        if not title:
            raise ImportProblem("the front matter has no title")
        jekyll = JEKYLL_NAME.match(path.stem)
        slug = _text(meta, "slug") or _permalink_slug(meta) or _file_slug(path, jekyll)
        when = _first(meta, "date", "publishDate")
        published_at = _date(when) if when not in (None, "") else None
        if published_at is None and jekyll:
            published_at = _date(jekyll["date"])
        drafted = _flag(meta, "draft") is True or _flag(meta, "published") is False
        drafted = drafted or "_drafts" in Path(key).parts
        categories = _names(meta, "categories", "category")
        excerpt = _text(meta, "excerpt", "summary")
        description = _text(meta, "description")
        return PostData(
            title=title,
            body=body.strip(),
            author=self.author(_text(meta, "author")),
            slug=slug,
            status=Post.Status.DRAFT if drafted else Post.Status.PUBLISHED,
            published_at=published_at,
            excerpt=excerpt or description,
            meta_description=_text(meta, "meta_description") or (description if excerpt else ""),
            categories=[(name, "") for name in categories],
            tags=_names(meta, "tags"),
            cover=self.cover(path, key, meta),
            cover_alt=_text(meta, "cover_image_alt", "image_alt") or _cover_field(meta, "alt"),
            featured=_flag(meta, "featured") is True,
            seo_title=_text(meta, "seo_title"),
        )

    def save(self, entry: Entry, existing, files):
        return save_post(entry.data, existing, files)

    def author(self, username: str) -> Author:
        if username:
            return Author(username=username)
        if self.default_author is None:
            raise ImportProblem("no author: name one in the front matter or with --author")
        return Author(username=self.default_author.get_username())

    def cover(self, path: Path, key: str, meta: dict) -> Path | None:
        reference = (
            _text(meta, "cover_image", "image", "featured_image")
            or _cover_field(meta, "image")
            or next(iter(_names(meta, "images")), "")
        )
        if not reference:
            return None
        found = None
        if "://" not in reference:
            reference = reference.split("?")[0].split("#")[0]
            bases = [self.folder, self.folder / "static"]
            if not reference.startswith("/"):
                bases.insert(0, path.parent)
            found = next((p for base in bases if (p := inside(base, reference))), None)
        if found and not found.is_relative_to(self.folder):
            found = None
        if not found:
            self.report.missing_images.append((key, reference))
        return found


def markdown_files(root: Path) -> list[Path]:
    """The post files under `root`; only _posts/ and _drafts/ of a Jekyll site, content/ of Hugo."""
    if (root / "_posts").is_dir():
        bases = [root / "_posts", root / "_drafts"]
    elif (root / "content").is_dir():
        bases = [root / "content"]
    else:
        bases = [root]
    found = []
    for base in bases:
        for path in base.rglob("*") if base.is_dir() else []:
            folders = path.relative_to(root).parts[:-1]
            hidden = any(part.startswith(".") or part in NOT_CONTENT for part in folders)
            if path.suffix.lower() in SUFFIXES and path.is_file() and not hidden:
                found.append(path)
    return sorted(found)


def front_matter(text: str) -> tuple[dict, str]:
    """(the front matter as a dict, the Markdown after it)."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise ImportProblem("no front matter: the file must start with a --- line")
    try:
        if match["toml"] is not None:
            meta = tomllib.loads(match["toml"])
        else:
            meta = yaml.safe_load(match["yaml"])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise ImportProblem(f"the front matter is not valid YAML{where}: {problem}") from None
    except tomllib.TOMLDecodeError as error:
        raise ImportProblem(f"the front matter is not valid TOML: {error}") from None
    except ValueError as error:
        # YAML reads anything shaped like 2020-13-45 as a date, and Python refuses it.
        raise ImportProblem(f"the front matter has a date that is not a date: {error}") from None
    except RecursionError:
        raise ImportProblem("the front matter nests lists or mappings too deeply") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ImportProblem("the front matter must be `key: value` lines")
    return meta, text[match.end() :]


def _first(meta: dict, *keys):
    return next((meta[key] for key in keys if meta.get(key) not in (None, "")), None)


def _text(meta: dict, *keys) -> str:
    value = _first(meta, *keys)
    if value is None:
        return ""
    # Only scalars: an alias to a list or mapping (a YAML bomb too) is not text.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportProblem(f"'{keys[0]}' must be text, not {type(value).__name__}")
    return str(value).replace("\x00", "").strip()


def _names(meta: dict, *keys) -> list[str]:
    value = _first(meta, *keys)
    if value is None:
        return []
    if isinstance(value, str):
        return parse_tags(value)
    if isinstance(value, list) and all(
        isinstance(name, str | int | float) and not isinstance(name, bool) for name in value
    ):
        return [str(name) for name in value if str(name).strip()]
    raise ImportProblem(f"'{keys[0]}' must be a list of names")


def _flag(meta: dict, key: str) -> bool | None:
    value = meta.get(key)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    return value if isinstance(value, bool) else None


def _cover_field(meta: dict, name: str) -> str:
    cover = meta.get("cover")
    if isinstance(cover, str) and name == "image":
        return cover
    if isinstance(cover, dict):
        return _text(cover, name)
    return ""


def _date(value) -> datetime:
    if isinstance(value, date):
        return aware(value)
    if isinstance(value, str):
        # Jekyll writes "2019-03-15 09:30:00 +0100": no space before the offset for Python.
        text = re.sub(r"\s+([+-]\d\d:?\d\d|Z)$", r"\1", value.strip())
        try:
            return aware(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise ImportProblem(f"the date {value!r} is not a date such as 2024-05-01 09:30:00+02:00")


def _permalink_slug(meta: dict) -> str:
    permalink = _text(meta, "permalink", "url")
    return permalink.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html") if permalink else ""


def _file_slug(path: Path, jekyll) -> str:
    if path.stem == "index":
        return path.parent.name  # a Hugo page bundle: posts/<slug>/index.md
    return jekyll["slug"] if jekyll else path.stem
