"""The local secret key used when DJANGO_SECRET_KEY is not set."""

import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> str:
    """Return the key stored at `path`, generating it on first use.

    The file is created with O_EXCL so that several workers starting at once
    agree on one key instead of each writing its own.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _read_when_written(path: Path) -> str:
    # Another process may have created the file a moment ago and not written it yet.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        os.sched_yield()
    raise RuntimeError(f"{path} is empty: delete it and start again.")
