"""The sitemap lists exactly what the public can see; robots.txt points at it."""

import xml.etree.ElementTree as ET

from django.urls import reverse

from blog.sitemaps import SiteSitemap

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client, url="/sitemap.xml"):
    root = ET.fromstring(client.get(url).content)
    return [loc.text for loc in root.findall(".//sm:loc", NS)]


def test_sitemap_lists_home_published_posts_categories_and_used_tags(
    client, make_post, category, draft, scheduled, settings
):
    settings.SITE_URL = "https://blog.example.com"
    make_post(title="Public", slug="public", category=category, tags=["Harbour"])
    draft.tags.add("Secret plans")
    urls = sorted(sitemap_urls(client))
    assert urls == [
        f"https://blog.example.com{path}"
        for path in ["/", "/category/news/", "/posts/public/", "/tag/harbour/"]
    ]


def test_sitemap_gives_posts_their_last_change(client, make_post):
    post = make_post(title="Dated", slug="dated")
    root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = [node.text for node in root.findall(".//sm:lastmod", NS)]
    assert post.updated_at.date().isoformat() in lastmods


def test_a_large_site_gets_a_sitemap_index_of_sections(client, make_post, monkeypatch):
    monkeypatch.setattr(SiteSitemap, "limit", 1)
    make_post(title="One", slug="one")
    make_post(title="Two", slug="two")
    sections = sitemap_urls(client)
    assert any("sitemap-posts.xml" in url for url in sections)


def test_robots_txt_points_at_the_sitemap_and_keeps_the_admin_out(client, db, settings):
    text = client.get(reverse("robots")).text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text and "Disallow: /admin/" in text


def test_robots_txt_does_not_block_search(client, db):
    assert "/search" not in client.get(reverse("robots")).text


def test_robots_txt_does_not_reveal_a_moved_admin(client, db, settings):
    settings.ADMIN_URL = "back-office-7f3/"
    assert "back-office" not in client.get(reverse("robots")).text


def test_the_sitemap_index_points_at_sections_on_the_site_url(
    client, make_post, monkeypatch, settings
):
    settings.SITE_URL = "https://blog.example.com"
    monkeypatch.setattr(SiteSitemap, "limit", 1)
    make_post(title="One", slug="one")
    make_post(title="Two", slug="two")
    assert all(url.startswith("https://") for url in sitemap_urls(client))


def test_a_junk_query_string_does_not_build_the_sitemap_again(
    client, make_post, django_assert_num_queries
):
    make_post(title="One", slug="one")
    client.get("/sitemap.xml?utm_source=a")
    with django_assert_num_queries(0):
        client.get("/sitemap.xml?utm_source=b")


def test_a_large_site_lists_every_post_once_across_the_section_files(
    client, make_post, monkeypatch, settings
):
    settings.SITE_URL = "https://blog.example.com"
    monkeypatch.setattr(SiteSitemap, "limit", 2)
    for n in range(5):
        make_post(title=f"Post {n}", slug=f"post-{n}")
    files = [url for url in sitemap_urls(client) if "sitemap-posts.xml" in url]
    assert len(files) == 3
    listed = [
        url for file in files for url in sitemap_urls(client, file.removeprefix(settings.SITE_URL))
    ]
    assert sorted(listed) == [f"https://blog.example.com/posts/post-{n}/" for n in range(5)]


def test_the_index_dates_the_posts_by_the_latest_published_change(
    client, make_post, draft, monkeypatch
):
    monkeypatch.setattr(SiteSitemap, "limit", 1)
    make_post(title="One", slug="one")
    newest = make_post(title="Two", slug="two")
    draft.save()  # edited after both: not a change the public sees
    root = ET.fromstring(client.get("/sitemap.xml").content)
    posts = [
        node.find("sm:lastmod", NS).text
        for node in root.findall("sm:sitemap", NS)
        if "sitemap-posts.xml" in node.find("sm:loc", NS).text
    ]
    assert set(posts) == {newest.updated_at.isoformat()}
