"""import_wordpress: a real-shaped WXR file, old addresses, idempotent runs, hostile files."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from blog import search
from blog.models import Post

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
EXPORT = FIXTURES / "export.xml"
MARKET_SLUG = "市場"


def import_wordpress(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    """The local copy of wp-content/uploads, with the images the export refers to."""
    folder = tmp_path / "uploads"
    (folder / "2019/03").mkdir(parents=True)
    Image.new("RGB", (600, 400), "teal").save(folder / "2019/03/bridge.jpg")
    Image.new("RGB", (300, 200), "teal").save(folder / "2019/03/bridge-300x200.jpg")
    return folder


@pytest.fixture
def imported(db, uploads):
    return import_wordpress(EXPORT, "--media-dir", str(uploads))


def bridge():
    return Post.objects.get(slug="harbour-bridge-reopens")


def test_published_post_keeps_title_and_slug(imported):
    assert bridge().title == "Harbour bridge reopens after a year of repairs"


def test_date_is_the_gmt_date(imported):
    assert bridge().published_at == datetime(2019, 3, 15, 8, 30, tzinfo=UTC)


def test_cdata_html_body_is_rendered(imported):
    assert "<strong>harbour bridge</strong>" in bridge().body_html


def test_block_editor_comments_are_removed(imported):
    assert "wp:paragraph" not in bridge().body


def test_caption_shortcode_becomes_a_figure(imported):
    assert "<figcaption>The bridge at dawn, from the east quay</figcaption>" in bridge().body_html


def test_preformatted_text_keeps_its_indentation(imported):
    assert "<pre>    speed_limit = 30" in bridge().body_html


def test_scripts_in_bodies_are_sanitised(imported):
    assert "<script" not in bridge().body_html


def test_excerpt_is_plain_text(imported):
    assert bridge().excerpt == "The harbour bridge is open again."


def test_non_ascii_slug_is_decoded(imported):
    assert Post.objects.get(slug=MARKET_SLUG).title == "市場の声: traders on the closure"


def test_first_category_is_kept_with_its_slug(imported):
    assert (bridge().category.name, bridge().category.slug) == ("Harbour News", "harbour-news")


def test_tags_and_further_categories_become_tags(imported):
    assert sorted(bridge().tags.names()) == ["Bridges", "Café", "Culture & Life"]


def test_draft_stays_a_draft(imported):
    assert Post.objects.get(title="Notes for a tide-table feature").status == Post.Status.DRAFT


def test_future_post_is_scheduled(imported):
    assert Post.objects.get(slug="regatta-preview").is_scheduled


def test_private_post_becomes_a_draft(imported):
    assert Post.objects.get(slug="staff-rota").status == Post.Status.DRAFT


def test_trashed_post_is_skipped_with_the_reason(imported):
    assert "post 15 “Deleted rumour”: in the WordPress trash" in imported


def test_unknown_author_is_created_inactive_with_a_name(imported):
    lukasz = get_user_model().objects.get(username="lukasz")
    assert (lukasz.get_full_name(), lukasz.is_active) == ("Łukasz Żółw", False)


def test_existing_author_is_matched(db, uploads, author):
    author.username = "jane"
    author.save()
    import_wordpress(EXPORT, "--media-dir", str(uploads))
    assert bridge().author == author


def test_featured_image_becomes_the_cover(imported):
    assert bridge().cover_image_alt == "The harbour bridge at dawn, seen from the east quay"


def test_body_images_are_copied_into_media(imported):
    assert default_storage.exists("imported/2019/03/bridge-300x200.jpg")


def test_body_image_references_point_at_the_copies(imported):
    assert 'src="/media/imported/2019/03/bridge-300x200.jpg"' in bridge().body_html


def test_missing_images_are_reported(imported):
    assert "uploads/2019/04/missing-photo.png" in imported


def test_link_by_permalink_is_rewritten(imported):
    assert 'href="/posts/%E5%B8%82%E5%A0%B4/"' in bridge().body_html


def test_link_by_post_id_is_rewritten(imported):
    assert 'href="/posts/harbour-bridge-reopens/"' in Post.objects.get(slug=MARKET_SLUG).body_html


def test_published_page_becomes_a_static_page(imported, client):
    response = client.get("/pages/about/")
    assert "covered the harbour since 2009" in response.text


def test_link_to_a_page_is_rewritten(imported):
    assert 'href="/pages/about/"' in Post.objects.get(slug=MARKET_SLUG).body_html


def test_unpublished_page_is_skipped_with_the_reason(imported):
    assert "page 21 “Advertise with us”: an unpublished page" in imported


def test_comments_are_not_imported(imported):
    assert "Not imported: comments (2)." in imported


def test_comment_text_appears_nowhere(imported):
    assert not Post.objects.filter(body__contains="cheap pills").exists()


def test_imported_posts_are_found_by_search(imported):
    found = search.search_posts(search.parse("corroded"))
    assert [post.slug for post in found] == ["harbour-bridge-reopens"]


def test_old_post_id_redirects_permanently(imported, client):
    response = client.get("/?p=10")
    assert (response.status_code, response["Location"]) == (301, "/posts/harbour-bridge-reopens/")


def test_old_page_id_redirects_to_the_static_page(imported, client):
    response = client.get("/?page_id=20")
    assert (response.status_code, response["Location"]) == (301, "/pages/about/")


def test_old_id_of_a_scheduled_post_does_not_reveal_it(imported, client):
    assert client.get("/?p=13").status_code == 200


def test_unknown_old_id_shows_the_home_page(imported, client):
    assert client.get("/?p=999").status_code == 200


def test_old_permalink_redirects_permanently(imported, client):
    response = client.get("/2019/03/15/harbour-bridge-reopens/")
    assert (response.status_code, response["Location"]) == (301, "/posts/harbour-bridge-reopens/")


def test_second_run_creates_nothing(imported, uploads):
    counts = Post.objects.count(), FlatPage.objects.count(), get_user_model().objects.count()
    import_wordpress(EXPORT, "--media-dir", str(uploads))
    assert (Post.objects.count(), FlatPage.objects.count(), get_user_model().objects.count()) == (
        counts
    )


def test_second_run_reports_unchanged_entries(imported, uploads):
    assert import_wordpress(EXPORT, "--media-dir", str(uploads)).startswith(
        "Created 0, updated 0, skipped 8, failed 0."
    )


def test_changed_entry_updates_its_post(imported, uploads, tmp_path):
    changed = tmp_path / "changed.xml"
    changed.write_text(EXPORT.read_text().replace("Regatta preview", "Regatta: the preview"))
    import_wordpress(changed, "--media-dir", str(uploads))
    assert Post.objects.get(slug="regatta-preview").title == "Regatta: the preview"


def test_dry_run_writes_nothing(db, uploads, settings):
    import_wordpress(EXPORT, "--media-dir", str(uploads), "--dry-run")
    files = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert (Post.objects.count(), FlatPage.objects.count(), files) == (0, 0, [])


def test_dry_run_reports_what_would_be_created(db, uploads):
    report = import_wordpress(EXPORT, "--media-dir", str(uploads), "--dry-run")
    assert report.startswith("Would create 6, would update 0, skipped 2, failed 0.")


def test_broken_entry_fails_alone_naming_it(db, uploads, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(EXPORT.read_text().replace("Regatta preview", "R" * 250))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_wordpress", str(broken), stdout=out, stderr=StringIO())
    assert ("post 13 “RRR" in out.getvalue(), Post.objects.filter(slug="staff-rota").exists()) == (
        True,
        True,
    )


@pytest.mark.parametrize(
    "name, message",
    [
        ("billion_laughs.xml", "was refused: it declares a document type"),
        ("external_entity.xml", "was refused: it declares a document type"),
        ("malformed.xml", "is not well-formed XML"),
        ("not_wordpress.xml", "is not a WordPress export file"),
    ],
)
def test_hostile_or_broken_file_is_refused_with_a_clear_error(db, name, message):
    with pytest.raises(CommandError, match=message):
        import_wordpress(FIXTURES / name)


def test_refused_file_imports_nothing(db):
    with pytest.raises(CommandError):
        import_wordpress(FIXTURES / "external_entity.xml")
    assert Post.objects.count() == 0


def test_file_over_the_size_limit_is_refused(db):
    with pytest.raises(CommandError, match="over the limit"):
        import_wordpress(EXPORT, "--max-size", "0")
