"""Settings that decide whether the site survives production: the secret key and SQLite."""

import multiprocessing
import stat

import pytest
from django.conf import settings

from config.secret_key import load_or_create
from tests.live_site import run_manage

# The secret key --------------------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / ".secret_key"


def test_first_call_writes_a_key_to_the_file(key_file):
    key = load_or_create(key_file)
    assert key_file.read_text().strip() == key


def test_key_is_long_enough_to_be_secret(key_file):
    assert len(load_or_create(key_file)) >= 50


def test_second_call_returns_the_same_key(key_file):
    first = load_or_create(key_file)
    assert load_or_create(key_file) == first


def test_each_site_gets_its_own_key(tmp_path):
    assert load_or_create(tmp_path / "one") != load_or_create(tmp_path / "two")


def test_key_file_is_readable_by_its_owner_only(key_file):
    load_or_create(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def _start_worker(start_together, path, keys):
    # What each gunicorn worker does on boot, all at the same moment.
    start_together.wait(timeout=30)
    try:
        keys.put(load_or_create(path))
    except Exception as error:  # noqa: BLE001 - the parent reports what went wrong
        keys.put(f"{type(error).__name__}: {error}")


def keys_of_workers_starting_at_once(path, workers=4):
    context = multiprocessing.get_context("fork")
    start_together = context.Barrier(workers)
    keys = context.Queue()
    processes = [
        context.Process(target=_start_worker, args=(start_together, path, keys))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    results = [keys.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return results


def test_workers_starting_at_once_agree_on_one_key(key_file):
    assert len(set(keys_of_workers_starting_at_once(key_file))) == 1


# SQLite ----------------------------------------------------------------------------------------

on_sqlite = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the SQLite options apply only when the default database is SQLite",
)


@on_sqlite
def test_sqlite_takes_the_write_lock_when_a_transaction_begins():
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@on_sqlite
def test_sqlite_writers_wait_for_the_lock_at_least_five_seconds():
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5


def test_requests_are_not_wrapped_in_one_transaction():
    assert settings.DATABASES["default"].get("ATOMIC_REQUESTS", False) is False


def test_a_new_sqlite_database_file_uses_write_ahead_logging(tmp_path):
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])"
    )
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "--command",
        code,
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert result.stdout.strip() == "wal", result.stderr
