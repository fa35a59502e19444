"""Page numbers on the category, tag, author and month archive lists, including bad ones."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from blog.models import Tag

MARCH_2024 = (2024, 3)


@pytest.fixture
def harbour(db):
    return Tag.objects.create(name="Harbour")


@pytest.fixture
def march_posts(make_post, category, harbour):
    """One post more than a page holds, all by Ada, in News, tagged Harbour, in March 2024.

    Each at noon UTC on the 1st to the 11th: in March whatever the site's time zone.

    Newest first, as the lists show them: the last one is alone on page two.
    """
    count = settings.POSTS_PER_PAGE + 1
    posts = [
        make_post(
            title=f"Harbour report number {day:02}",
            category=category,
            tags=[harbour],
            published_at=datetime.datetime(*MARCH_2024, day, 12, tzinfo=datetime.UTC),
        )
        for day in range(1, count + 1)
    ]
    return posts[::-1]


LISTS = {
    "category": lambda: reverse("blog:category_detail", args=["news"]),
    "tag": lambda: reverse("blog:tag_detail", args=["harbour"]),
    "author": lambda: reverse("blog:author_detail", args=["ada"]),
    "archive month": lambda: reverse("blog:archive_month", args=MARCH_2024),
}


@pytest.fixture(params=LISTS.values(), ids=LISTS.keys())
def list_url(request, march_posts):
    return request.param()


def test_page_two_answers(client, list_url):
    assert client.get(list_url, {"page": 2}).status_code == 200


def test_page_two_shows_the_post_that_did_not_fit_on_page_one(client, list_url, march_posts):
    html = client.get(list_url, {"page": 2}).content.decode()
    assert march_posts[-1].title in html


def test_page_one_does_not_show_the_post_of_page_two(client, list_url, march_posts):
    assert march_posts[-1].title not in client.get(list_url).content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999"])
def test_a_page_that_does_not_exist_is_not_found(client, list_url, page):
    assert client.get(list_url, {"page": page}).status_code == 404


def test_last_page_answers(client, list_url):
    assert client.get(list_url, {"page": "last"}).status_code == 200


def test_last_page_is_page_two(client, list_url, march_posts):
    assert march_posts[-1].title in client.get(list_url, {"page": "last"}).content.decode()


def test_a_new_post_adds_a_page_at_once(
    client, list_url, make_post, category, harbour, django_capture_on_commit_callbacks
):
    # Each list's count is kept per content version; a new post must change it.
    posts_per_page = settings.POSTS_PER_PAGE
    for day in range(posts_per_page + 2, 2 * posts_per_page + 2):
        client.get(list_url, {"page": "last"})
        with django_capture_on_commit_callbacks(execute=True):
            make_post(
                title=f"Late report {day}",
                category=category,
                tags=[harbour],
                published_at=datetime.datetime(*MARCH_2024, day, 12, tzinfo=datetime.UTC),
            )
    assert client.get(list_url, {"page": 3}).status_code == 200
