"""export_posts (Markdown round trip, JSON lines) and backup/restore on SQLite and PostgreSQL."""

import json
import shutil
import sqlite3
import tarfile
from io import BytesIO, StringIO

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from blog import backup, content_version, search
from blog.models import Category, ImportRecord, Post, Tag


@pytest.fixture
def site_posts(make_post, category, cover_image):
    """Posts of every kind an export must carry."""
    make_post(
        title="Harbour bridge reopens",
        slug="harbour-bridge",
        body="The **bridge** is open.\n\n## Traffic\n\nCars first.",
        category=category,
        tags=["AI Security", "Café"],
        cover_image=cover_image,
        cover_image_alt="The bridge at dawn",
        featured=True,
        seo_title="Bridge open",
    )
    make_post(title="Zoë's crêpes", excerpt="An excerpt an editor wrote.", tags=["Café"])
    make_post(title="Half-written", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Regatta", published_at=timezone.now() + timezone.timedelta(days=3))


def export(destination, *args):
    call_command("export_posts", str(destination), *args, stdout=StringIO(), stderr=StringIO())


def files_of(folder):
    return {
        path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def test_markdown_round_trip_gives_identical_files(site_posts, tmp_path, author):
    export(tmp_path / "first")
    for model in (Post, Category, Tag, ImportRecord):
        model.objects.all().delete()
    call_command("import_markdown", str(tmp_path / "first"), stdout=StringIO())
    export(tmp_path / "second")
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_markdown_export_writes_one_file_per_post(site_posts, tmp_path):
    export(tmp_path / "out")
    assert len(list((tmp_path / "out").glob("*.md"))) == Post.objects.count()


def test_markdown_export_marks_drafts(site_posts, tmp_path):
    export(tmp_path / "out")
    assert "\ndraft: true\n" in (tmp_path / "out/half-written.md").read_text()


def test_markdown_export_refuses_a_folder_with_files(site_posts, tmp_path):
    (tmp_path / "old.md").write_text("left over")
    with pytest.raises(CommandError, match="not an empty folder"):
        export(tmp_path)


def test_jsonl_export_writes_one_object_per_post(site_posts, tmp_path):
    export(tmp_path / "posts.jsonl", "--format", "jsonl")
    lines = (tmp_path / "posts.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == sorted(
        Post.objects.values_list("title", flat=True)
    )


def test_jsonl_export_carries_tags_and_html(site_posts, tmp_path):
    export(tmp_path / "posts.jsonl", "--format", "jsonl")
    records = [json.loads(line) for line in (tmp_path / "posts.jsonl").read_text().splitlines()]
    bridge = next(record for record in records if record["slug"] == "harbour-bridge")
    assert (bridge["tags"], "<strong>bridge</strong>" in bridge["body_html"]) == (
        ["AI Security", "Café"],
        True,
    )


# Backup and restore ------------------------------------------------------------------------


def needs_pg_dump():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")


def run_backup(path):
    call_command("backup", str(path), stdout=StringIO())


def run_restore(path):
    call_command("restore", str(path), "--noinput", stdout=StringIO())


# Restoring needs real commits. Naming the apps lets the flush after each test truncate with
# CASCADE: PostgreSQL's search table (not a Django model) refers to blog_post.
restores = pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)


@pytest.fixture
def backed_up(db, site_posts, tmp_path):
    """A backup of the site, after which its posts and their files are deleted."""
    needs_pg_dump()
    path = tmp_path / "site.tar.gz"
    run_backup(path)
    for post in Post.objects.all():
        post.delete()
    return path


@restores
def test_restore_brings_the_posts_back(backed_up):
    run_restore(backed_up)
    assert Post.objects.count() == 4


@restores
def test_restore_brings_the_cover_files_back(backed_up):
    run_restore(backed_up)
    cover = Post.objects.get(slug="harbour-bridge").cover_image.name
    assert default_storage.exists(cover)


@restores
def test_restored_posts_are_found_by_search(backed_up):
    run_restore(backed_up)
    assert [post.slug for post in search.search_posts(search.parse("bridge"))] == ["harbour-bridge"]


@restores
def test_restore_refreshes_cached_pages(backed_up):
    before = content_version.current()
    run_restore(backed_up)
    assert content_version.current() != before


@restores
def test_backup_holds_the_database_and_the_media(backed_up):
    with tarfile.open(backed_up) as archive:
        names = archive.getnames()
    has_media = any(name.startswith("media/covers/") for name in names)
    assert (backup.DATABASE[connection.vendor] in names, has_media) == (True, True)


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    (tmp_path / "posts.tar.gz").write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a backup made by this site"):
        run_restore(tmp_path / "posts.tar.gz")


def test_restore_refuses_a_backup_of_the_other_database(db, tmp_path):
    path = tmp_path / "other.tar.gz"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = json.dumps({"format": backup.FORMAT, "database": other}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(manifest)
        archive.addfile(info, BytesIO(manifest))
    with pytest.raises(CommandError, match=f"is of a {other} database"):
        run_restore(path)


def test_missing_pg_dump_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda program: None)
    with pytest.raises(backup.BackupError, match="apt-get install postgresql-client"):
        backup._pg_command("pg_dump")


def test_sqlite_copy_runs_beside_an_open_write(tmp_path):
    """A copy made while another connection is writing holds only what was committed."""
    database = tmp_path / "live.sqlite3"
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE post (title TEXT)")
    live.execute("INSERT INTO post VALUES ('committed')")
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO post VALUES ('in flight')")
    backup.copy_sqlite(live, tmp_path / "copy.sqlite3")
    writer.execute("COMMIT")
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT title FROM post").fetchall() == [("committed",)]
