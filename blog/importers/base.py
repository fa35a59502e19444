"""What every importer shares: the entry loop, saving a post, the files an entry wrote, the report.

An importer reads its source into entries (one per post or page), each with a key that
names it in the source and a checksum of everything it is made from. `run()` saves each
entry in its own transaction and records it in an ImportRecord: a second run skips the
entries whose checksum is unchanged and updates the others.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from blog import images
from blog.models import Category, ImportRecord, Post, Tag, unique_slug
from blog.tagging import tidy

# Body images an import copies: raster formats only, so no script can ride in an SVG.
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


class ImportProblem(Exception):
    """Something in the source that cannot be imported, said so that its author can fix it."""


class Skip(Exception):
    """An entry that is fine but is not imported, with the reason."""


@dataclass
class Report:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # (entry, image reference): images the source uses that could not be found or used.
    missing_images: list[tuple[str, str]] = field(default_factory=list)
    # About the source as a whole: what it holds that is not imported.
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verbs = ("would create", "would update") if self.dry_run else ("created", "updated")
        return (
            f"{verbs[0].capitalize()} {len(self.created)}, {verbs[1]} {len(self.updated)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}."
        )

    def lines(self) -> list[str]:
        """The whole report, as the commands print it."""
        lines = [self.summary()]
        sections = (
            ("Created" if not self.dry_run else "Would create", [(e, "") for e in self.created]),
            ("Updated" if not self.dry_run else "Would update", [(e, "") for e in self.updated]),
            ("Skipped", self.skipped),
            ("Failed", self.failed),
            ("Images not found or not usable", self.missing_images),
        )
        for title, items in sections:
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  {entry}: {why}" if why else f"  {entry}" for entry, why in items)
        lines.extend(self.notes)
        return lines


class ProgressBar:
    """`progress(done, total)` drawn on one line that redraws itself, for a terminal."""

    width = 30

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,}", ending="\n" if done == total else "")
        self.stream.flush()


@dataclass
class Entry:
    key: str  # names the entry in the source; unique within it
    label: str  # how the report names it
    checksum: str = ""
    old_url: str = ""
    data: Any = None  # what the importer's save() needs
    problem: str = ""  # set when the entry could not be read: reported as failed
    skip: str = ""  # set when the entry is not to be imported, with why


@dataclass
class Author:
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class PostData:
    """What a post should look like, whatever the format it came from."""

    title: str
    body: str
    author: Author
    slug: str = ""
    status: str = Post.Status.DRAFT
    published_at: datetime | None = None
    excerpt: str = ""
    # (name, slug or ""): the first is the post's category, the others become tags.
    categories: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    cover: Path | None = None
    cover_alt: str = ""
    featured: bool = False
    seo_title: str = ""
    meta_description: str = ""


class Importer:
    """One source. Subclasses set `source` and implement entries() and save()."""

    source = ""
    report: Report

    def entries(self) -> list[Entry]:
        raise NotImplementedError

    def save(self, entry: Entry, existing, files: "NewFiles"):
        """Create or update (`existing`) the post or page of `entry`; return it."""
        raise NotImplementedError

    def finish(self) -> None:
        """After every entry: work that needs them all (a real run only)."""


def run(importer: Importer, *, dry_run: bool = False, progress=None) -> Report:
    """Import every entry of `importer`, each in its own transaction; report what happened.

    With `dry_run`, every entry is saved and then rolled back (with the files it wrote), so
    the report says exactly what a real run would do.
    """
    importer.report = report = Report(dry_run=dry_run)
    entries = importer.entries()
    records = ImportRecord.objects.filter(source=importer.source).select_related("post", "page")
    records = {record.external_key: record for record in records}
    for done, entry in enumerate(entries, 1):
        _import_entry(importer, entry, records.get(entry.key), dry_run)
        if progress:
            progress(done, len(entries))
    if not dry_run:
        importer.finish()
    return report


def run_command(command, importer: Importer, dry_run: bool) -> Report:
    """run() for a management command: a progress bar on a terminal, the report, and an
    error exit when an entry failed."""
    progress = ProgressBar(command.stderr) if command.stderr.isatty() else None
    try:
        report = run(importer, dry_run=dry_run, progress=progress)
    except ImportProblem as problem:
        raise CommandError(str(problem)) from None
    for line in report.lines():
        command.stdout.write(line)
    if report.failed:
        raise CommandError(f"{len(report.failed)} entries could not be imported (see above).")
    return report


def _import_entry(importer: Importer, entry: Entry, record, dry_run: bool) -> None:
    report = importer.report
    if entry.problem:
        report.failed.append((entry.label, entry.problem))
        return
    if entry.skip:
        report.skipped.append((entry.label, entry.skip))
        return
    existing = record and (record.post or record.page)
    if record and not existing:
        report.skipped.append((entry.label, "deleted on this site after an earlier import"))
        return
    if record and record.checksum == entry.checksum:
        report.skipped.append((entry.label, "unchanged since the last import"))
        return
    files = NewFiles()
    try:
        with transaction.atomic():
            target = importer.save(entry, existing, files)
            ImportRecord.objects.update_or_create(
                source=importer.source,
                external_key=entry.key,
                defaults={
                    "checksum": entry.checksum,
                    "old_url": entry.old_url[:500],
                    "post": target if isinstance(target, Post) else None,
                    "page": target if isinstance(target, FlatPage) else None,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
    except Skip as reason:
        files.delete()
        report.skipped.append((entry.label, str(reason)))
        return
    except (ImportProblem, ValidationError, DatabaseError, OSError, ValueError) as error:
        files.delete()
        report.failed.append((entry.label, describe(error)))
        return
    if dry_run:
        files.delete()
    (report.updated if record else report.created).append(entry.label)


def describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    if isinstance(error, DatabaseError):
        return f"the database refused it: {str(error).strip().splitlines()[0]}"
    return str(error)


class NewFiles:
    """The files an entry wrote: deleted again when its transaction rolls back."""

    def __init__(self):
        self.names: list[str] = []
        self.covers: list[tuple[Post, str]] = []

    def copy_image(self, path: Path, name: str) -> str:
        """Store the image at `path` as `name` (an identical stored file is reused); its name."""
        content = path.read_bytes()
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                if stored.read() == content:
                    return name
        saved = default_storage.save(name, ContentFile(content))
        self.names.append(saved)
        return saved

    def watch_cover(self, post: Post) -> None:
        self.covers.append((post, post.cover_image.name or ""))

    def delete(self) -> None:
        names = list(self.names)
        for post, before in self.covers:
            if (post.cover_image.name or "") != before:
                names += images.cover_files(post.cover_image.name, post.cover_renditions)
        images.delete_files(names)


def save_post(data: PostData, post: Post | None, files: NewFiles) -> Post:
    """Create or update a post from `data`; raises Skip when its address belongs to another."""
    post = post or Post()
    slug = slugify(data.slug, allow_unicode=True)[:200].strip("-")
    if slug and Post.objects.filter(slug=slug).exclude(pk=post.pk).exists():
        raise Skip(f"the address /posts/{slug}/ belongs to another post on this site")
    post.slug = slug or post.slug
    post.title = data.title
    post.body = data.body
    post.excerpt = data.excerpt
    post.status = data.status
    # A source without a date keeps the time the first import published the post at.
    post.published_at = data.published_at or post.published_at
    post.author = author_for(data.author)
    names = [name for name, _ in data.categories]
    post.category = category_for(*data.categories[0]) if data.categories else None
    post.featured = data.featured
    post.seo_title = data.seo_title
    post.meta_description = data.meta_description
    # body_html is made by save(); the others are checked above or set from lookups.
    post.clean_fields(exclude=["slug", "body_html", "cover_image", "author", "category"])
    files.watch_cover(post)
    if data.cover:
        with data.cover.open("rb") as handle:
            cover = File(handle, name=data.cover.name)
            try:
                images.validate_cover(cover)
            except ValidationError as error:
                raise ImportProblem(f"cover image {data.cover.name}: {describe(error)}") from None
            post.cover_image = cover
            post.cover_image_alt = data.cover_alt[:250]
            post.save()
    else:
        post.cover_image = None
        post.cover_image_alt = ""
        post.save()
    post.tags.set(tag_names([*data.tags, *names[1:]]))
    return post


def tag_names(names) -> list[str]:
    # Tags are typed as a comma-separated list: a comma inside one name would split it.
    limit = Tag._meta.get_field("name").max_length
    tidied = (tidy(str(name).replace(",", " "))[:limit] for name in names)
    return [name for name in tidied if name]


def author_for(author: Author):
    """The user of that username (or email), or a new inactive one: they cannot log in."""
    User = get_user_model()
    username = re.sub(r"[^\w.@+-]", "_", author.username)[:150] or "author"
    user = User.objects.filter(username=username).first()
    if not user and author.email:
        user = User.objects.filter(email__iexact=author.email).order_by("pk").first()
    if user:
        return user
    user = User(
        username=username,
        email=author.email[:254],
        first_name=author.first_name[:150],
        last_name=author.last_name[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return user


def category_for(name: str, slug: str = "") -> Category:
    name = " ".join(name.split())[:100]
    slug = slugify(slug or name, allow_unicode=True)[:120].strip("-")
    found = Category.objects.filter(Q(name__iexact=name) | Q(slug=slug) if slug else Q(name=name))
    return found.first() or Category.objects.create(
        name=name, slug=unique_slug(Category, slug or name, max_length=120)
    )


def aware(value: date | datetime) -> datetime:
    """A date or time as an aware time; without a zone it is in the site's time zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def checksum(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


def inside(root: Path, relative: str) -> Path | None:
    """`relative` under `root`, or None when it would lead outside or is not a file."""
    path = (root / relative.lstrip("/")).resolve()
    return path if path.is_relative_to(root.resolve()) and path.is_file() else None
