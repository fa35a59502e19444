"""One file holding the database and the uploads, made while the site serves, and put back.

The file is a gzipped tar: manifest.json (format, database vendor, time), the database
(database.sqlite3, a copy made by SQLite's backup API in one step, so writers on other
connections never make it start over; or database.dump, pg_dump's custom format, one
consistent snapshot) and media/ (MEDIA_ROOT, when uploads are stored there).

Restoring replaces the database (SQLite's backup API into the live database, or
pg_restore --clean in one transaction) and the uploads, migrates, rebuilds the search
index and bumps the content version, so no cache serves a page of the replaced content.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from blog import content_version, search

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
MEDIA = "media"


class BackupError(Exception):
    """Why a backup or a restore could not be done; nothing was changed."""


def create_backup(target: Path) -> dict:
    """Write the backup file `target` (replaced only once complete); returns its manifest."""
    vendor = _vendor()
    manifest = {
        "format": FORMAT,
        "database": vendor,
        "created_at": timezone.now().isoformat(),
        "media": _local_media() is not None,
    }
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        work = Path(work)
        dump = work / DATABASE[vendor]
        if vendor == "sqlite":
            connection.ensure_connection()
            copy_sqlite(connection.connection, dump)
        else:
            _pg_dump(dump)
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(dump, DATABASE[vendor])
            if manifest["media"]:
                manifest["media_files"] = _add_media(archive, _local_media())
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.replace(partial, target)
    return manifest


def copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live SQLite database in one step: it sees one committed state, never a mix."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=-1)
    finally:
        copy.close()


def restore_backup(source: Path) -> dict:
    """Replace the database and the uploads with those of the backup file `source`."""
    vendor = _vendor()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = _unpack(source, work)
        if manifest.get("database") != vendor:
            raise BackupError(
                f"This backup is of a {manifest.get('database')} database and the site runs "
                f"on {vendor}: move content between them with export_posts and import_markdown."
            )
        dump = work / DATABASE[vendor]
        if not dump.is_file():
            raise BackupError(f"The backup has no {DATABASE[vendor]}.")
        if vendor == "sqlite":
            _restore_sqlite(dump)
        else:
            _pg_restore(dump)
        media = _local_media()
        if manifest.get("media") and media is not None:
            _replace_media(work / MEDIA, media)
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        search.rebuild_index()
        content_version.bump_on_commit()
    return manifest


def _vendor() -> str:
    if connection.vendor not in DATABASE:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _local_media() -> Path | None:
    """MEDIA_ROOT when uploads are stored there (not in S3, which is backed up on its own)."""
    return Path(settings.MEDIA_ROOT) if isinstance(default_storage, FileSystemStorage) else None


def _add_media(archive: tarfile.TarFile, root: Path) -> int:
    count = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        try:
            if path.is_file():
                archive.add(path, f"{MEDIA}/{path.relative_to(root).as_posix()}")
                count += 1
        except FileNotFoundError:
            # Deleted while the backup ran (a cover replaced): it is no longer part of the site.
            continue
    return count


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(timezone.now().timestamp())
    archive.addfile(info, fileobj=io.BytesIO(content))


def _unpack(source: Path, work: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            # The "data" filter refuses absolute paths, links and names leading outside `work`.
            archive.extractall(work, filter="data")
    except FileNotFoundError:
        raise BackupError(f"There is no file {source}.") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{source} is not a backup made by this site: {error}") from None
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            f"{source} has no readable {MANIFEST}: not a backup of this site."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')!r}.")
    return manifest


def _restore_sqlite(dump: Path) -> None:
    backup = sqlite3.connect(dump)
    try:
        if backup.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("The database in the backup is damaged.")
        connection.ensure_connection()
        # Through SQLite's locks: other connections see the old or the new database, never half.
        backup.backup(connection.connection, pages=-1)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The database in the backup could not be read: {error}") from None
    finally:
        backup.close()


def _pg_command(program: str) -> tuple[list[str], dict]:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} was not found: install PostgreSQL's client programs, in a version no "
            "older than the server (Debian: apt-get install postgresql-client)."
        )
    db = connection.settings_dict
    env = {**os.environ}
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGSSLMODE", db.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return [path, f"--dbname={db['NAME']}"], env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        program = Path(command[0]).name
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _pg_dump(dump: Path) -> None:
    command, env = _pg_command("pg_dump")
    _run([*command, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], env)


def _pg_restore(dump: Path) -> None:
    command, env = _pg_command("pg_restore")
    # Our own connection must not hold locks on the tables pg_restore drops.
    connection.close()
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
    _run([*command, *options, "--single-transaction", "--exit-on-error", str(dump)], env)


def _replace_media(unpacked: Path, media: Path) -> None:
    """Make `media` hold exactly the backup's files (it may be a mount point: not renamed)."""
    media.mkdir(parents=True, exist_ok=True)
    kept = set()
    for path in sorted(unpacked.rglob("*")) if unpacked.is_dir() else []:
        if path.is_file():
            relative = path.relative_to(unpacked)
            kept.add(relative)
            (media / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, media / relative)
    for path in sorted(media.rglob("*"), reverse=True):
        relative = path.relative_to(media)
        if path.is_file() and relative not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
