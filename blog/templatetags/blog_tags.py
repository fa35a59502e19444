from django import template

register = template.Library()


@register.filter
def shorten(text: str, length: int = 60) -> str:
    """Cut `text` to at most `length` characters on a word boundary, adding an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
