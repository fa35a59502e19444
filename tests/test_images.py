"""Cover images: checked at upload, stored upright without metadata, resized once, shown
with <picture>; and lazy images in post bodies."""

import io
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from PIL import ExifTags, Image

from blog import images
from blog.models import Post

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def image_bytes(image_format="JPEG", size=(64, 48), mode="RGB", color="teal", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(content: bytes, name="cover.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def image_upload(image_format="JPEG", size=(64, 48), **kwargs) -> SimpleUploadedFile:
    return upload(
        image_bytes(image_format, size, **kwargs),
        f"cover.{EXTENSIONS[image_format]}",
        CONTENT_TYPES[image_format],
    )


def stored_image(name: str) -> Image.Image:
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
    image.load()
    return image


def stored_size(post: Post) -> tuple[int, int]:
    """The cover's width and height as the row holds them (loading a post may fill them in)."""
    return Post.objects.values_list("cover_image_width", "cover_image_height").get(pk=post.pk)


def stored_files(post: Post) -> list[str]:
    return images.cover_files(post.cover_image.name, post.cover_renditions)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs what waits for the transaction's commit, as a real request does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def with_cover(make_post):
    def make(cover=None, **fields):
        return make_post(
            cover_image=cover or image_upload(size=(2000, 1000)),
            cover_image_alt="The harbour at dusk",
            **fields,
        )

    return make


# Uploading through the admin --------------------------------------------------------------------


@pytest.fixture
def post_form(post_form):
    """The admin's add form with a described cover and no tags."""

    def fill(**fields):
        return post_form(**{"tags": "", "cover_image_alt": "The bridge at dusk", **fields})

    return fill


@pytest.fixture
def add_post(editor_client, post_form):
    """Send the admin's add form with `cover`; the response."""
    return lambda cover: editor_client.post(
        reverse("admin:blog_post_add"), post_form(cover_image=cover)
    )


def cover_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["adminform"].form.errors.get("cover_image", [])


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_real_images_are_accepted(add_post, image_format):
    response = add_post(image_upload(image_format, size=(640, 360)))
    assert response.status_code == 302
    post = Post.objects.get()
    assert stored_size(post) == (640, 360)
    assert stored_image(post.cover_image.name).format == image_format
    assert {r["format"] for r in post.cover_renditions} == {"webp", "jpeg"}


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 64).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()[: buffer.tell() // 2]


@pytest.mark.parametrize(
    "name, content",
    [
        ("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("cover.html", b"<html><script>alert(1)</script></html>"),
        ("cover.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("cover.jpg", truncated_jpeg()),
        ("cover.gif", b"GIF89a" + bytes(range(256)) * 4),
        ("cover.webp", b"\x00garbage" * 100),
        ("cover.png", image_bytes("TIFF")),
    ],
)
def test_files_that_are_not_allowed_images_are_refused(add_post, name, content):
    response = add_post(upload(content, name, "image/png"))
    assert cover_errors(response)
    assert not Post.objects.exists()


def test_a_truncated_image_gets_a_clear_message(add_post):
    response = add_post(upload(truncated_jpeg()))
    assert cover_errors(response) == [images.NOT_AN_IMAGE]


def test_an_image_over_the_pixel_limit_is_refused(add_post, settings):
    settings.COVER_MAX_PIXELS = 100 * 100
    response = add_post(image_upload(size=(101, 100)))
    assert "at most 10,000" in cover_errors(response)[0]


def test_the_frames_of_an_animation_count_towards_the_pixel_limit(settings):
    settings.COVER_MAX_PIXELS = 3 * 10 * 10 - 1
    with pytest.raises(ValidationError) as refused:
        images.validate_cover(upload(animated_gif(frames=3)))
    assert refused.value.code == "too_many_pixels"


def test_a_file_over_the_size_limit_is_refused(add_post, settings):
    settings.COVER_MAX_BYTES = 100
    response = add_post(upload(truncated_jpeg()))
    assert "at most 100" in cover_errors(response)[0]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "max_pixels",
    [
        1000,  # 40 × 40 = 1,600 pixels: Pillow only warns, and the warning is an error here.
        500,  # more than twice the limit: Pillow raises DecompressionBombError itself.
    ],
)
def test_a_decompression_bomb_is_refused(add_post, monkeypatch, max_pixels):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", max_pixels)
    with pytest.raises(ValidationError) as refused:
        images.validate_cover(image_upload("PNG", size=(40, 40)))
    assert refused.value.code == "decompression_bomb"
    assert cover_errors(add_post(image_upload("PNG", size=(40, 40))))
    assert not Post.objects.exists()


# What is stored -------------------------------------------------------------------------------


def camera_jpeg(size=(60, 30)) -> bytes:
    """A JPEG as a phone takes it: sideways with orientation 6, with the camera and the place."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "JPEG", exif=exif, comment=b"Home")
    return buffer.getvalue()


def test_the_exif_orientation_is_applied(add_post):
    add_post(upload(camera_jpeg(size=(60, 30))))
    post = Post.objects.get()
    assert stored_size(post) == (30, 60)
    assert stored_image(post.cover_image.name).size == (30, 60)
    assert [(r["width"], r["height"]) for r in post.cover_renditions] == [(30, 60), (30, 60)]


def test_exif_gps_and_comments_are_stripped_from_the_stored_original(add_post):
    add_post(upload(camera_jpeg()))
    stored = stored_image(Post.objects.get().cover_image.name)
    assert (dict(stored.getexif()), "exif" in stored.info, "comment" in stored.info) == (
        {},
        False,
        False,
    )


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_exif_is_stripped_from_other_formats_too(with_cover, image_format):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCam"
    post = with_cover(
        upload(image_bytes(image_format, exif=exif), f"cover.{EXTENSIONS[image_format]}")
    )
    assert dict(stored_image(post.cover_image.name).getexif()) == {}


def test_the_stored_name_is_random_with_the_extension_of_the_content(with_cover):
    post = with_cover(upload(image_bytes("PNG"), "holiday-at-home.jpg"))
    assert post.cover_image.name.endswith(".png")
    assert "holiday" not in post.cover_image.name


def renditions(post) -> list[tuple[int, str]]:
    return [(r["width"], r["format"]) for r in post.cover_renditions]


def test_renditions_are_made_at_each_width_in_webp_and_jpeg(with_cover):
    post = with_cover(image_upload(size=(2000, 1000)))
    assert renditions(post) == [
        (480, "webp"),
        (480, "jpeg"),
        (960, "webp"),
        (960, "jpeg"),
        (1600, "webp"),
        (1600, "jpeg"),
    ]
    for rendition in post.cover_renditions:
        stored = stored_image(rendition["name"])
        assert (stored.format.lower(), stored.size) == (
            rendition["format"],
            (rendition["width"], rendition["height"]),
        )
        assert rendition["name"].startswith("covers/renditions/")


def test_renditions_are_never_wider_than_the_image(with_cover):
    assert renditions(with_cover(image_upload(size=(1200, 800)))) == [
        (480, "webp"),
        (480, "jpeg"),
        (960, "webp"),
        (960, "jpeg"),
        (1200, "webp"),
        (1200, "jpeg"),
    ]
    assert renditions(with_cover(image_upload(size=(300, 200)))) == [(300, "webp"), (300, "jpeg")]


def test_a_see_through_png_keeps_a_png_fallback(with_cover):
    see_through = image_upload("PNG", mode="RGBA", color=(0, 128, 128, 0), size=(500, 100))
    opaque = image_upload("PNG", mode="RGBA", color=(0, 128, 128, 255), size=(500, 100))
    assert {r["format"] for r in with_cover(see_through).cover_renditions} == {"webp", "png"}
    assert {r["format"] for r in with_cover(opaque).cover_renditions} == {"webp", "jpeg"}


def animated_gif(frames=3, size=(10, 10)) -> bytes:
    pictures = [Image.new("RGB", size, color) for color in ("red", "green", "blue")[:frames]]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100, comment=b"x"
    )
    return buffer.getvalue()


def test_an_animated_gif_stays_animated_and_gets_no_still_renditions(with_cover):
    post = with_cover(upload(animated_gif(), "cover.gif", "image/gif"))
    stored = stored_image(post.cover_image.name)
    assert (stored.n_frames, "comment" in stored.info, post.cover_renditions) == (3, False, [])


# Replacing and deleting -----------------------------------------------------------------------


def exists(names) -> list[bool]:
    return [default_storage.exists(name) for name in names]


def test_replacing_the_cover_deletes_the_old_files(with_cover, commit):
    post = with_cover()
    old_files = stored_files(post)
    with commit():
        post.cover_image = image_upload(size=(800, 400))
        post.save()
    assert exists(old_files) == [False] * 7
    assert exists(stored_files(post)) == [True] * 5


def test_replacing_the_cover_in_the_admin_deletes_the_old_files(
    with_cover, editor_client, post_form, commit
):
    post = with_cover(title="Harbour bridge reopens")
    old_files = stored_files(post)
    with commit():
        editor_client.post(
            reverse("admin:blog_post_change", args=[post.pk]),
            post_form(slug=post.slug, cover_image=image_upload(size=(700, 300))),
        )
    post.refresh_from_db()
    assert (stored_size(post), exists(old_files)) == ((700, 300), [False] * 7)
    assert exists(stored_files(post)) == [True] * 5


def test_saving_without_a_new_cover_keeps_its_files(with_cover, commit):
    post = Post.objects.get(pk=with_cover().pk)
    files = stored_files(post)
    with commit():
        post.title = "A new title"
        post.save()
    assert (stored_files(post), exists(files)) == (files, [True] * 7)


def test_removing_the_cover_deletes_its_files(with_cover, commit):
    post = with_cover()
    old_files = stored_files(post)
    with commit():
        post.cover_image = None
        post.save()
    assert (exists(old_files), post.cover_renditions, post.cover_image_width) == (
        [False] * 7,
        [],
        None,
    )


def test_a_rolled_back_replacement_keeps_the_old_files(with_cover, commit):
    post = with_cover()
    old_files = stored_files(post)
    with commit(), transaction.atomic():
        post.cover_image = image_upload()
        post.save()
        transaction.set_rollback(True)
    assert exists(old_files) == [True] * 7


def test_deleting_the_post_deletes_its_cover_files(with_cover, commit):
    post = with_cover()
    files = stored_files(post)
    with commit():
        post.delete()
    assert exists(files) == [False] * 7


def test_deleting_posts_in_bulk_deletes_their_cover_files(with_cover, commit):
    files = stored_files(with_cover()) + stored_files(with_cover())
    with commit():
        Post.objects.all().delete()
    assert exists(files) == [False] * 14


def test_regenerate_renditions_recreates_missing_files(with_cover, make_post):
    post = with_cover()
    make_post(title="No cover")
    images.delete_files(r["name"] for r in post.cover_renditions)
    out = io.StringIO()
    call_command("regenerate_renditions", stdout=out)
    post.refresh_from_db()
    assert (exists(stored_files(post)), renditions(post)[-1]) == ([True] * 7, (1600, "jpeg"))
    assert "1 cover" in out.getvalue()


def test_regenerate_renditions_skips_a_missing_original(with_cover):
    post = with_cover()
    default_storage.delete(post.cover_image.name)
    err = io.StringIO()
    call_command("regenerate_renditions", stdout=io.StringIO(), stderr=err)
    assert f"post {post.pk}" in err.getvalue()


# The post page --------------------------------------------------------------------------------


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def start_tags(html: str, name: str) -> list[dict]:
    parser = _StartTags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.found if tag == name]


def cover_html(html: str) -> str:
    return html[html.index('<figure class="post__cover">') : html.index("</figure>")]


def test_the_post_page_shows_the_cover_as_a_picture_with_srcsets(client, with_cover):
    post = with_cover()
    html = cover_html(client.get(post.get_absolute_url()).text)
    [source], [img] = start_tags(html, "source"), start_tags(html, "img")
    url = default_storage.url
    assert "<picture>" in html
    assert source == {
        "type": "image/webp",
        "srcset": ", ".join(
            f"{url(r['name'])} {r['width']}w"
            for r in post.cover_renditions
            if r["format"] == "webp"
        ),
        "sizes": "(max-width: 44rem) 100vw, 42rem",
    }
    assert source["srcset"].count("w, ") == 2
    assert img["srcset"].endswith(".jpg 1600w")
    assert (img["width"], img["height"], img["alt"]) == ("2000", "1000", "The harbour at dusk")
    # Above the fold: fetched at once, not lazily.
    assert (img["fetchpriority"], "loading" in img) == ("high", False)


def test_the_post_page_opens_no_image_file(client, with_cover, django_assert_max_num_queries):
    post = Post.objects.get(pk=with_cover().pk)
    refuse = mock.Mock(side_effect=AssertionError("a page opened an image file"))
    with (
        mock.patch.object(default_storage, "open", refuse),
        mock.patch.object(Image, "open", refuse),
        django_assert_max_num_queries(20),
    ):
        response = client.get(post.get_absolute_url())
    assert (response.status_code, refuse.called) == (200, False)


# Images in post bodies ------------------------------------------------------------------------


def test_images_in_the_body_load_lazily_and_stay_sanitised(client, make_post):
    post = make_post(
        body="![A map](https://example.com/map.png)\n\n"
        '<img src="https://example.com/b.png" loading="eager" onerror="alert(1)">'
    )
    html = client.get(post.get_absolute_url()).text
    body = html[html.index('<div class="post__body">') :]
    first, second = start_tags(body, "img")[:2]
    assert first == {
        "src": "https://example.com/map.png",
        "alt": "A map",
        "loading": "lazy",
        "decoding": "async",
    }
    assert second == {"src": "https://example.com/b.png", "loading": "lazy", "decoding": "async"}


@pytest.mark.parametrize(
    "image_format, mode, color",
    [
        ("JPEG", "L", 128),
        ("JPEG", "CMYK", (0, 50, 100, 0)),
        ("PNG", "1", 1),
        ("PNG", "I;16", 40000),
        ("PNG", "LA", (128, 100)),
        ("PNG", "P", 3),
        ("WEBP", "RGBA", (0, 0, 0, 0)),
        ("GIF", "L", 7),
    ],
)
def test_every_pixel_mode_gets_renditions(with_cover, image_format, mode, color):
    cover = upload(
        image_bytes(image_format, (500, 250), mode, color),
        f"cover.{EXTENSIONS[image_format]}",
    )
    post = with_cover(cover)
    assert stored_size(post) == (500, 250)
    assert [r["width"] for r in post.cover_renditions] == [480, 480, 500, 500]
