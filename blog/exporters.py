"""Every post out again: Markdown files that import_markdown reads back, or JSON lines.

A Markdown export of a site, imported into an empty one and exported again, gives the same
files: the front matter holds only what the post does not derive by itself (an excerpt made
from the body is left out, so it is made again from the body).
"""

import hashlib
import json
import shutil
from pathlib import Path, PurePosixPath

import yaml
from django.conf import settings
from django.utils import timezone

from blog.markdown import excerpt_from_html
from blog.models import Post

COVER_DIR = "covers"
# File names may have 255 bytes; a slug of 200 characters in Japanese has 600.
MAX_STEM_BYTES = 240


def posts():
    return (
        Post.objects.select_related("category", "author")
        .prefetch_related("tags")
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def export_markdown(folder: Path) -> tuple[int, list[str]]:
    """Write one <slug>.md per post (drafts too) into the empty or new `folder`.

    Covers are copied to covers/<slug>.<ext>. Returns the number of posts and a line for
    each cover that could not be read.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(
            f"{folder} is not an empty folder: export into a new one, so that no file of "
            "an earlier export is taken for a post"
        )
    folder.mkdir(parents=True, exist_ok=True)
    count, problems = 0, []
    for post in posts():
        cover, stem = "", file_stem(post.slug)
        if post.cover_image:
            cover = f"{COVER_DIR}/{stem}{PurePosixPath(post.cover_image.name).suffix}"
            try:
                (folder / COVER_DIR).mkdir(exist_ok=True)
                with post.cover_image.open("rb") as source, (folder / cover).open("wb") as copy:
                    shutil.copyfileobj(source, copy)
            except OSError as error:
                problems.append(f"{post.slug}: cover {post.cover_image.name}: {error}")
                cover = ""
        (folder / f"{stem}.md").write_text(markdown_file(post, cover), encoding="utf-8")
        count += 1
    return count, problems


def file_stem(slug: str) -> str:
    """The slug, or for one too long for a file name its start and a digest of it all.

    The front matter keeps the whole slug: importing reads it from there, not from the name.
    """
    encoded = slug.encode()
    if len(encoded) <= MAX_STEM_BYTES:
        return slug
    head = encoded[: MAX_STEM_BYTES - 13].decode(errors="ignore")
    return f"{head}-{hashlib.sha256(encoded).hexdigest()[:12]}"


def tag_names(post: Post) -> list[str]:
    return sorted((tag.name for tag in post.tags.all()), key=str.casefold)


def markdown_file(post: Post, cover: str = "") -> str:
    meta = {"title": post.title, "slug": post.slug}
    if post.published_at:
        meta["date"] = timezone.localtime(post.published_at)
    if post.status == Post.Status.DRAFT:
        meta["draft"] = True
    meta["author"] = post.author.get_username()
    if post.category:
        meta["categories"] = [post.category.name]
    tags = tag_names(post)
    if tags:
        meta["tags"] = tags
    if post.excerpt != excerpt_from_html(post.body_html):
        meta["excerpt"] = post.excerpt
    optional = {
        "featured": post.featured,
        "seo_title": post.seo_title,
        "meta_description": post.meta_description,
        "cover_image": cover,
        "cover_image_alt": post.cover_image_alt if cover else "",
    }
    meta.update({key: value for key, value in optional.items() if value})
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = post.body.replace("\r\n", "\n").strip()
    return f"---\n{front}---\n\n{body}\n"


def export_jsonl(stream) -> int:
    """Write one JSON object per post, a line each, to the text `stream`."""
    count = 0
    for post in posts():
        stream.write(json.dumps(post_record(post), ensure_ascii=False) + "\n")
        count += 1
    return count


def post_record(post: Post) -> dict:
    def when(value):
        return value.isoformat() if value else None

    return {
        "id": post.pk,
        "url": settings.SITE_URL + post.get_absolute_url(),
        "title": post.title,
        "slug": post.slug,
        "status": post.status,
        "published_at": when(post.published_at),
        "created_at": when(post.created_at),
        "updated_at": when(post.updated_at),
        "author": post.author.get_username(),
        "category": {"name": post.category.name, "slug": post.category.slug}
        if post.category
        else None,
        "tags": tag_names(post),
        "excerpt": post.excerpt,
        "body": post.body,
        "body_html": post.body_html,
        "cover_image": post.cover_image.name or None,
        "cover_image_alt": post.cover_image_alt,
        "featured": post.featured,
        "seo_title": post.seo_title,
        "meta_description": post.meta_description,
        "reading_time": post.reading_time,
        "view_count": post.view_count,
    }
