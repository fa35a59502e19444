"""What ops rely on: health checks, a friendly page when the database is down, logs, settings."""

import json
import logging
import sys
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from blog.request_log import JsonFormatter, RequestIdFilter
from config.settings import email_settings
from tests.live_site import run_manage


@pytest.fixture
def database_down():
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        yield


def test_health_is_ok_with_a_small_json_body(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_health_is_503_when_the_database_is_down(client, db, database_down):
    assert client.get("/healthz").status_code == 503


def test_health_is_503_when_the_cache_is_down(client, db):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.set", side_effect=OSError):
        assert client.get("/healthz").status_code == 503


def test_public_pages_answer_a_friendly_503_when_the_database_is_down(db, database_down):
    response = Client(raise_request_exception=False).get("/")
    assert (response.status_code, "Back in a moment" in response.text) == (503, True)


def test_other_errors_answer_the_friendly_500_page(db):
    with mock.patch("blog.views.PostListView.get_queryset", side_effect=RuntimeError):
        response = Client(raise_request_exception=False).get("/")
    assert (response.status_code, "Something went wrong" in response.text) == (500, True)


def test_every_response_carries_a_request_id(client, db):
    assert len(client.get("/")["X-Request-ID"]) == 32


def test_a_sane_request_id_from_the_proxy_is_kept(client, db):
    response = client.get("/", headers={"X-Request-ID": "proxy-abc-12345"})
    assert response["X-Request-ID"] == "proxy-abc-12345"


def test_a_hostile_request_id_is_replaced(client, db):
    response = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert "<" not in response["X-Request-ID"]


def test_error_responses_are_logged_with_their_request_id(client, db, caplog):
    caplog.handler.addFilter(RequestIdFilter())  # as the stdout handler has, at emit time
    client.get("/no-such-page/", headers={"X-Request-ID": "trace-me-12345"})
    client.get("/", headers={"X-Request-ID": "another-request-1"})
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "trace-me-12345"


def test_smtps_defaults_to_its_port():
    assert email_settings("smtps://mailer:secret@smtp.example.com")["EMAIL_PORT"] == 465


def test_an_error_is_logged_as_one_json_line_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "failed", (), None)
        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "smtp://mailer:p%40ss@smtp.example.com:587?tls=1",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "smtp.example.com",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_TIMEOUT": 10,
            },
        ),
    ],
)
def test_email_is_configured_from_one_url(url, expected):
    assert email_settings(url) == expected


def test_s3_storage_is_chosen_by_the_environment():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    result = run_manage("shell", "--verbosity", "0", "--command", code, S3_BUCKET="blog-media")
    assert result.stdout.strip() == "storages.backends.s3.S3Storage"


def test_redis_url_switches_the_cache_to_redis():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage(
        "shell", "--verbosity", "0", "--command", code, REDIS_URL="redis://h:6379/0"
    )
    assert result.stdout.strip() == "blog.cache_backends.ResilientRedisCache"


def test_without_redis_the_cache_is_shared_by_all_workers():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage("shell", "--verbosity", "0", "--command", code)
    assert result.stdout.strip().endswith("FileBasedCache")


def test_pages_still_answer_with_redis_down(db, settings, make_post):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    post = make_post(title="Still here", slug="still-here")
    responses = [Client().get(url) for url in ("/", post.get_absolute_url(), "/search/?q=here")]
    assert [response.status_code for response in responses] == [200, 200, 200]


def test_health_reports_redis_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert client.get("/healthz").status_code == 503


def test_health_answers_a_probe_addressed_by_ip(client, db):
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
