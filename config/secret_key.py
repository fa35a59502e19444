"""The local secret key used when DJANGO_SECRET_KEY is not set."""

import os
import secrets
import tempfile
from pathlib import Path


def load_or_create(path: Path) -> str:
    """Return the key stored at `path`, generating it on first use.

    The key is written to a temporary file that is then linked into place, so
    several workers starting at once never see a half-written file and all
    agree on the first key linked.
    """
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker linked its key first; use that one
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
