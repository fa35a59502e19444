"""import_markdown: Jekyll- and Hugo-style folders, idempotent runs, broken and hostile files."""

import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone
from PIL import Image

from blog import search
from blog.importers import ProgressBar
from blog.models import Post

FIXTURES = Path(__file__).parent / "fixtures"


def png(path: Path, color="teal"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), color).save(path)


def import_markdown(folder, *args) -> str:
    out = StringIO()
    call_command("import_markdown", str(folder), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failed_import(folder, *args) -> str:
    """The report of an import that ends in an error (some entry failed)."""
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_markdown", str(folder), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def jekyll_site(tmp_path):
    site = shutil.copytree(FIXTURES / "jekyll", tmp_path / "jekyll")
    png(site / "assets/img/bridge.png")
    return site


@pytest.fixture
def hugo_site(tmp_path):
    site = shutil.copytree(FIXTURES / "hugo", tmp_path / "hugo")
    png(site / "static/images/estuary.png")
    png(site / "content/posts/tide-tables/chart.png", "navy")
    return site


@pytest.fixture
def jekyll_imported(db, jekyll_site, author):
    return import_markdown(jekyll_site, "--author", author.username)


@pytest.fixture
def hugo_imported(db, hugo_site, author):
    return import_markdown(hugo_site, "--author", author.username)


def test_jekyll_post_keeps_its_title(jekyll_imported):
    assert Post.objects.get(slug="harbour-bridge").title == "Harbour bridge: the reopening"


def test_jekyll_date_with_an_offset_keeps_the_instant(jekyll_imported):
    published_at = Post.objects.get(slug="harbour-bridge").published_at
    assert published_at == datetime(2019, 3, 15, 8, 30, tzinfo=UTC)


def test_jekyll_file_name_gives_the_date_and_slug(jekyll_imported):
    post = Post.objects.get(slug="café-society")
    assert timezone.localtime(post.published_at).date().isoformat() == "2020-01-02"


def test_first_category_is_the_category_and_the_others_become_tags(jekyll_imported):
    post = Post.objects.get(slug="harbour-bridge")
    assert (post.category.name, sorted(post.tags.names(), key=str.casefold)) == (
        "News",
        ["bridges", "Open Source", "Transport"],
    )


def test_comma_separated_tags_are_split(jekyll_imported):
    tags = Post.objects.get(slug="café-society").tags.names()
    assert sorted(tags, key=str.casefold) == ["Café Culture", "coffee"]


def test_front_matter_excerpt_is_kept(jekyll_imported):
    excerpt = Post.objects.get(slug="harbour-bridge").excerpt
    assert excerpt == "The bridge is open again after a year."


def test_jekyll_drafts_folder_makes_drafts(jekyll_imported):
    assert Post.objects.get(slug="tide-tables").status == Post.Status.DRAFT


def test_jekyll_pages_outside_posts_are_not_imported(jekyll_imported):
    assert not Post.objects.filter(title="Home").exists()


def test_cover_image_is_stored_with_renditions(jekyll_imported):
    post = Post.objects.get(slug="harbour-bridge")
    assert post.cover_renditions and default_storage.exists(post.cover_image.name)


def test_cover_description_comes_from_front_matter(jekyll_imported):
    assert Post.objects.get(slug="harbour-bridge").cover_image_alt == "The bridge at dawn"


def test_unknown_author_is_created_unable_to_log_in(jekyll_imported):
    jane = get_user_model().objects.get(username="jane")
    assert (jane.is_active, jane.has_usable_password()) == (False, False)


def test_posts_without_an_author_use_the_given_one(jekyll_imported, author):
    assert Post.objects.get(slug="café-society").author == author


def test_a_post_without_any_author_fails_naming_the_file(db, jekyll_site):
    assert "2020-01-02-café-society.md: no author" in failed_import(jekyll_site)


def test_imported_body_is_rendered(jekyll_imported, client):
    response = client.get("/posts/harbour-bridge/")
    assert "<strong>bridge</strong>" in response.text


def test_imported_posts_are_found_by_search(jekyll_imported):
    found = search.search_posts(search.parse("reopening"))
    assert [post.slug for post in found] == ["harbour-bridge"]


def test_hugo_yaml_front_matter_gives_slug_and_cover(hugo_imported):
    post = Post.objects.get(slug="first-light")
    assert (post.cover_image_alt, bool(post.cover_image)) == ("Mist over the estuary", True)


def test_hugo_description_is_the_excerpt(hugo_imported):
    assert Post.objects.get(slug="first-light").excerpt == "A short walk at sunrise."


def test_hugo_toml_page_bundle_is_imported_scheduled(hugo_imported):
    post = Post.objects.get(slug="tide-tables")
    assert (post.is_scheduled, post.excerpt, bool(post.cover_image)) == (
        True,
        "How to read the tables.",
        True,
    )


def test_hugo_draft_stays_a_draft(hugo_imported):
    assert Post.objects.get(slug="unfinished").status == Post.Status.DRAFT


def test_hugo_section_page_is_skipped_with_the_reason(hugo_imported):
    assert "content/_index.md: a Hugo section page, not a post" in hugo_imported


def test_hugo_archetypes_are_not_imported(hugo_imported):
    assert Post.objects.count() == 3


def test_second_run_creates_nothing(jekyll_imported, jekyll_site, author):
    before = Post.objects.count()
    import_markdown(jekyll_site, "--author", author.username)
    assert Post.objects.count() == before


def test_second_run_reports_unchanged_files(jekyll_imported, jekyll_site, author):
    report = import_markdown(jekyll_site, "--author", author.username)
    assert "_posts/2019-03-15-harbour-bridge.md: unchanged since the last import" in report


def test_changed_file_updates_its_post(jekyll_imported, jekyll_site, author):
    source = jekyll_site / "_posts/2019-03-15-harbour-bridge.md"
    source.write_text(source.read_text().replace("the reopening", "open again"))
    import_markdown(jekyll_site, "--author", author.username)
    assert Post.objects.get(slug="harbour-bridge").title == "Harbour bridge: open again"


def test_changed_file_without_a_date_keeps_the_first_publication_time(tmp_path, author):
    source = tmp_path / "site/undated.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Undated\n---\n\nFirst words.\n")
    import_markdown(source.parent, "--author", author.username)
    first = Post.objects.get(slug="undated").published_at
    source.write_text(source.read_text().replace("First", "Later"))
    import_markdown(source.parent, "--author", author.username)
    assert Post.objects.get(slug="undated").published_at == first


def test_hugo_section_page_without_front_matter_is_skipped(tmp_path, author):
    section = tmp_path / "site/_index.md"
    section.parent.mkdir()
    section.write_text("Everything about tides.\n")
    report = import_markdown(section.parent, "--author", author.username)
    assert "_index.md: a Hugo section page, not a post" in report


def test_post_deleted_here_is_not_brought_back(jekyll_imported, jekyll_site, author):
    Post.objects.get(slug="harbour-bridge").delete()
    import_markdown(jekyll_site, "--author", author.username)
    assert not Post.objects.filter(slug="harbour-bridge").exists()


def test_dry_run_reports_what_would_be_created(db, jekyll_site, author):
    report = import_markdown(jekyll_site, "--author", author.username, "--dry-run")
    assert report.startswith("Would create 3, would update 0")


def test_dry_run_writes_no_post(db, jekyll_site, author):
    import_markdown(jekyll_site, "--author", author.username, "--dry-run")
    assert Post.objects.count() == 0


def test_dry_run_leaves_no_file(db, jekyll_site, author, settings):
    import_markdown(jekyll_site, "--author", author.username, "--dry-run")
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_address_of_another_post_is_skipped(db, jekyll_site, author, make_post):
    make_post(slug="harbour-bridge", title="Ours")
    report = import_markdown(jekyll_site, "--author", author.username)
    assert "address /posts/harbour-bridge/ belongs to another post" in report


def test_same_file_name_in_another_folder_leaves_the_first_post_alone(db, tmp_path, author):
    for site, title in (("first", "From the first site"), ("second", "From the second site")):
        (tmp_path / site).mkdir()
        (tmp_path / site / "hello.md").write_text(f"---\ntitle: {title}\n---\nHello.\n")
        import_markdown(tmp_path / site, "--author", author.username)
    assert Post.objects.get(slug="hello").title == "From the first site"


@pytest.fixture
def broken_report(db, tmp_path, author):
    folder = shutil.copytree(FIXTURES / "markdown-broken", tmp_path / "broken")
    (folder / "latin-1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    return failed_import(folder, "--author", author.username)


def test_good_file_is_imported_beside_broken_ones(broken_report):
    assert Post.objects.filter(title="The one good file").exists()


@pytest.mark.parametrize(
    "line",
    [
        "bad-yaml.md: the front matter is not valid YAML",
        "no-title.md: the front matter has no title",
        "no-front-matter.md: no front matter",
        "bad-date.md: the date 'the day after tomorrow' is not a date",
        "impossible-date.md: the front matter has a date that is not a date",
        "latin-1.md: not UTF-8 text",
    ],
)
def test_broken_file_is_named_with_the_problem(broken_report, line):
    assert line in broken_report


def test_yaml_alias_bomb_is_refused(broken_report):
    assert "yaml-bomb.md: 'title' must be text, not list" in broken_report


def test_yaml_python_tags_are_refused(broken_report):
    assert "python-tag.md: the front matter is not valid YAML" in broken_report


def test_deeply_nested_front_matter_fails_naming_the_file(db, tmp_path, author):
    (tmp_path / "deep.md").write_text(f"---\ntitle: {'[' * 1500}{']' * 1500}\n---\nBody\n")
    report = failed_import(tmp_path, "--author", author.username)
    assert "deep.md: the front matter nests lists or mappings too deeply" in report


def test_cover_outside_the_folder_is_not_read(db, tmp_path, author):
    folder = tmp_path / "site"
    folder.mkdir()
    png(tmp_path / "secret.png")
    (folder / "post.md").write_text("---\ntitle: Escape\ncover_image: ../secret.png\n---\nBody\n")
    report = import_markdown(folder, "--author", author.username)
    assert ("post.md: ../secret.png" in report, Post.objects.get().cover_image.name) == (True, "")


def test_damaged_cover_fails_the_post_and_leaves_nothing(db, tmp_path, author, settings):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (folder / "post.md").write_text("---\ntitle: Broken cover\ncover_image: cover.png\n---\nBody\n")
    report = failed_import(folder, "--author", author.username)
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert ("post.md: cover image cover.png" in report, Post.objects.count(), stored) == (
        True,
        0,
        [],
    )


def test_too_long_title_fails_naming_the_file(db, tmp_path, author):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "long.md").write_text(f"---\ntitle: {'x' * 250}\n---\nBody\n")
    assert "long.md: title: Ensure this value has at most 200 characters" in failed_import(
        folder, "--author", author.username
    )


def test_missing_folder_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_markdown", str(tmp_path / "nowhere"), stdout=StringIO())


def test_progress_bar_shows_entries_done():
    stream = StringIO()
    ProgressBar(OutputWrapper(stream))(2, 4)
    assert stream.getvalue() == "\r[###############...............] 2/4"
