"""Tags are separated by commas only, so "AI Security" stays one tag."""


def parse_tags(text: str) -> list[str]:
    names = {}
    for raw in (text or "").replace("\x00", "").split(","):
        name = " ".join(raw.split()).strip('"').strip()
        if name:
            names.setdefault(fold(name), name)
    return sorted(names.values(), key=str.casefold)


def join_tags(tags) -> str:
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))


def fold(name: str) -> str:
    """The identity of a tag name: "AI  Security", "ai security" and "Über"/"über" fold alike."""
    return " ".join(name.split()).casefold()
