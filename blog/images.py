"""Cover images: checked at upload, stored upright without metadata, resized once.

Pages only read what is stored here (the cover's size on the post, the renditions' names and
sizes), so rendering a page never opens an image file.
"""

import io
import warnings
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, ImageSequence

# The formats a cover may be. (Django's ImageField has already let Pillow identify the file with
# all its plugins; decoding and processing then use only these.)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ANIMATED_FORMATS = ("GIF", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The original is the master copy (social cards link to it): re-encoded with little loss.
ORIGINAL_OPTIONS = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}
# What a stored cover keeps of the uploaded file's metadata: how to show it, nothing about
# the camera, the place (EXIF, GPS) or the editor's software (XMP, comments).
KEPT_INFO = ("icc_profile", "transparency", "background", "duration", "loop")

RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_DIR = "covers/renditions"
# (format stored on the rendition, file extension, Pillow format, encoder options)
WEBP = ("webp", "webp", "WEBP", {"quality": 80})
JPEG = ("jpeg", "jpg", "JPEG", {"quality": 82, "optimize": True, "progressive": True})
# See-through covers (logos, cut-outs) keep a PNG fallback: flattened on white they would
# show a white box on the dark theme.
PNG = ("png", "png", "PNG", {})

NOT_AN_IMAGE = "Upload a JPEG, PNG, WebP or GIF image. This file is not one, or it is damaged."
BOMB = "This image is too large to open safely. Upload a smaller image."


def validate_cover(file) -> None:
    """Raise ValidationError unless `file` is a JPEG, PNG, WebP or GIF within the limits."""
    limit = settings.COVER_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(file.size)}; "
            f"a cover image may be at most {filesizeformat(limit)}.",
            code="file_too_large",
        )
    # Not closed: Pillow would close the upload with it, and the upload is saved next.
    open_image(file)
    file.seek(0)


def open_image(file) -> Image.Image:
    """Open and decode `file` (its first frame), or raise ValidationError saying why not."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: here it is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=FORMATS)
            _check_pixels(image)
            # Decoding finds what the header hides: a truncated or corrupt file.
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(BOMB, code="decompression_bomb") from exc
    except Exception as exc:
        # Pillow reports damaged files with many exception types; none may become a 500.
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from exc
    return image


def _check_pixels(image: Image.Image) -> None:
    # An animation is decoded frame by frame: all its frames count.
    frames = image.n_frames if image.format in ANIMATED_FORMATS else 1
    pixels, limit = image.width * image.height * frames, settings.COVER_MAX_PIXELS
    if pixels > limit:
        raise ValidationError(
            f"This image has {pixels:,} pixels; a cover image may have at most {limit:,}. "
            "Make it smaller and upload it again.",
            code="too_many_pixels",
        )


def store_cover(post) -> None:
    """Store a newly assigned cover upright and without metadata, and make its renditions.

    Sets post.cover_image (a new file), its width and height, and post.cover_renditions;
    the caller saves the row.
    """
    cover = post.cover_image
    if not cover:
        post.cover_renditions = []
        return
    with cover.open("rb"):
        image = open_image(cover)
        content, image_format, still = _clean_copy(image)
    if cover._committed:
        # Already in storage (cover.save(..., save=False)): the clean copy replaces it.
        default_storage.delete(cover.name)
    # The name only gives the extension (upload_to picks a random name): it now matches the
    # content, whatever the uploaded file was called. ImageField reads the width and height
    # from a named file only.
    name = f"cover.{EXTENSIONS[image_format]}"
    cover.save(name, ContentFile(content, name=name), save=False)
    post.cover_renditions = make_renditions(still, cover.name) if still else []


def _clean_copy(image: Image.Image) -> tuple[bytes, str, Image.Image | None]:
    """The image re-encoded upright without metadata, its format, and a still for renditions.

    An animation keeps its frames and gets no still: resized stills would freeze it on the page.
    """
    # Camera JPEGs with several pictures (MPO) are stored as a plain JPEG of the first.
    image_format = "JPEG" if image.format == "MPO" else image.format
    buffer = io.BytesIO()
    if image_format in ANIMATED_FORMATS and getattr(image, "is_animated", False):
        frames = [_stripped(frame.copy()) for frame in ImageSequence.Iterator(image)]
        # An animation without a loop count plays once: it must not start looping.
        loop = {"loop": image.info["loop"]} if "loop" in image.info else {}
        frames[0].save(
            buffer,
            image_format,
            save_all=True,
            append_images=frames[1:],
            duration=[frame.info.get("duration", 100) for frame in frames],
            **loop,
        )
        return buffer.getvalue(), image_format, None
    upright = _stripped(ImageOps.exif_transpose(image))
    options = ORIGINAL_OPTIONS.get(image_format, {})
    upright.save(buffer, image_format, **options, **_icc(upright))
    return buffer.getvalue(), image_format, upright


def _stripped(image: Image.Image) -> Image.Image:
    # Pillow's writers copy some metadata (comments, XMP) from info: keep only what shows.
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    return image


def _icc(image: Image.Image) -> dict:
    # A colour profile only fits the mode it was made for (an RGB profile on RGB pixels).
    profile = image.info.get("icc_profile")
    return {"icc_profile": profile} if profile and image.mode in ("RGB", "RGBA") else {}


def make_renditions(image: Image.Image, name: str) -> list[dict]:
    """Save WebP and fallback copies of `image` at each rendition width; return their records.

    Never wider than the image itself: a narrow image gets one rendition at its own width.
    """
    stem = PurePosixPath(name).stem
    icc = _icc(image)
    image = _for_web(image)
    fallback = PNG if image.mode == "RGBA" else JPEG
    renditions = []
    for width in sorted({min(width, image.width) for width in RENDITION_WIDTHS}):
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for kind, extension, image_format, options in (WEBP, fallback):
            buffer = io.BytesIO()
            resized.save(buffer, image_format, **options, **icc)
            saved = default_storage.save(
                f"{RENDITION_DIR}/{stem}-{width}.{extension}", ContentFile(buffer.getvalue())
            )
            renditions.append({"width": width, "height": height, "format": kind, "name": saved})
    return renditions


def _for_web(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is see-through: the modes WebP and JPEG/PNG share."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        with_alpha = image.convert("RGBA")
        if with_alpha.getchannel("A").getextrema()[0] < 255:
            return with_alpha
    return image.convert("RGB")


def srcsets(renditions: list[dict]) -> dict[str, str]:
    """{"webp": "url 480w, url 960w", "fallback": "..."} for a <picture>, from names alone."""
    candidates = {}
    for rendition in sorted(renditions, key=lambda rendition: rendition["width"]):
        kind = "webp" if rendition["format"] == "webp" else "fallback"
        url = default_storage.url(rendition["name"])
        candidates.setdefault(kind, []).append(f"{url} {rendition['width']}w")
    return {kind: ", ".join(urls) for kind, urls in candidates.items()}


def cover_files(name: str, renditions: list[dict]) -> list[str]:
    """The stored files of a cover: the original and its renditions."""
    return [file_name for file_name in [name, *(r["name"] for r in renditions)] if file_name]


def delete_files(names) -> None:
    for name in names:
        default_storage.delete(name)


def delete_on_commit(names: list[str]) -> None:
    """Delete files once the change that dropped them is committed: a rollback still shows them."""
    if names:
        transaction.on_commit(partial(delete_files, names), robust=True)


def post_deleted(sender, instance, **kwargs) -> None:
    """post_delete receiver: a deleted post's cover files go with it."""
    delete_on_commit(cover_files(instance.cover_image.name, instance.cover_renditions))


def regenerate_renditions() -> tuple[int, list[str]]:
    """Make every cover's renditions again from its stored original.

    Returns the number of posts done and a line for each cover that could not be read.
    """
    # blog.models imports this module; imported when first used to avoid a cycle.
    from blog.models import Post

    posts = (
        Post.objects.exclude(cover_image="")
        .only("cover_image", "cover_image_width", "cover_image_height", "cover_renditions")
        .order_by("pk")
    )
    done, failed = 0, []
    for post in posts.iterator(chunk_size=100):
        try:
            with post.cover_image.open("rb"):
                image = open_image(post.cover_image)
                animated = getattr(image, "is_animated", False) and image.format != "MPO"
                # Covers stored before this pipeline may still carry an EXIF orientation.
                still = None if animated else ImageOps.exif_transpose(image)
        except (OSError, ValidationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
            failed.append(f"post {post.pk} ({post.cover_image.name}): {reason}")
            continue
        delete_files(rendition["name"] for rendition in post.cover_renditions)
        renditions = make_renditions(still, post.cover_image.name) if still else []
        Post.objects.filter(pk=post.pk).update(cover_renditions=renditions)
        done += 1
    return done, failed
