"""Tags are separated by commas only, so "AI Security" stays one tag."""

import unicodedata


def parse_tags(text: str) -> list[str]:
    names = {}
    for raw in (text or "").split(","):
        name = tidy(raw.strip().strip('"'))
        if name:
            names.setdefault(fold(name), name)
    return sorted(names.values(), key=str.casefold)


def join_tags(tags) -> str:
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))


def fold(name: str) -> str:
    """The identity of a tag name: "AI  Security", "ai security", "Über"/"über" fold alike.

    NFKC first, so "Über" typed with a combining diaeresis is the same tag too.
    """
    return tidy(name).casefold()


def tidy(name: str) -> str:
    """A tag name as stored: NFKC, single spaces, no NUL bytes."""
    return " ".join(unicodedata.normalize("NFKC", name.replace("\x00", "")).split())
