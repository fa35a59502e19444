"""Security promises: headers everywhere, cookies, CSP, login lockout, redirects, uploads."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms import modelform_factory
from django.urls import reverse

from blog.models import Post
from tests.live_site import PROJECT, run_manage


def readme_production_env() -> dict[str, str]:
    """The environment of the README's deployment example, with a real secret key."""
    readme = (PROJECT / "README.md").read_text()
    block = readme.split("cat > /etc/blog.env <<'ENV'\n", 1)[1].split("\nENV\n", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    env = dict(line.split("=", 1) for line in lines)
    return {**env, "DJANGO_SECRET_KEY": "a-production-secret-" + "k" * 50}


def test_check_deploy_is_clean_with_the_readmes_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **readme_production_env())
    assert result.returncode == 0, result.stderr


def test_the_admin_address_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = run_manage("shell", "--verbosity", "0", "--command", code, DJANGO_ADMIN_URL="office")
    assert result.stdout.strip() == "/office/"


@pytest.mark.parametrize("url", ["/", "/no-such-page/", "/healthz", "/search/?q=x", "/archive/"])
@pytest.mark.parametrize(
    "header, expected",
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=()"),
        ("Content-Security-Policy", "default-src 'self'"),
    ],
)
def test_security_headers_are_on_every_response(client, db, url, header, expected):
    assert expected in client.get(url).get(header, "")


def test_scripts_are_limited_to_the_site_without_inline_code(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert script_src.split() == ["script-src", "'self'"]


@pytest.mark.parametrize("cookie", ["csrftoken", "sessionid"])
def test_session_and_csrf_cookies_are_httponly_and_lax(client, editor, cookie):
    client.get(reverse("admin:login"))
    client.post(reverse("admin:login"), {"username": "editor", "password": "unused-1234"})
    morsel = client.cookies[cookie]
    assert (morsel["httponly"], morsel["samesite"]) == (True, "Lax")


def test_https_redirect_spares_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert (client.get("/").status_code, client.get("/healthz").status_code) == (301, 200)


def test_login_never_redirects_to_another_site(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "unused-1234", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def failed_logins(client, times, **headers):
    for _ in range(times):
        client.post(
            reverse("admin:login"), {"username": "editor", "password": "wrong"}, headers=headers
        )


def test_repeated_wrong_passwords_lock_the_login(client, editor, settings):
    failed_logins(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "unused-1234"}
    )
    assert response.status_code == 429


def test_one_proxy_address_does_not_lock_out_every_reader(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    failed_logins(client, settings.AXES_FAILURE_LIMIT, **{"X-Forwarded-For": "203.0.113.9"})
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "unused-1234"},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert response.status_code == 302


def test_axes_reset_lifts_a_lockout(client, editor, settings):
    failed_logins(client, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset", stdout=open(os.devnull, "w"))  # noqa: SIM115
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "unused-1234"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name, content",
    [
        ("cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("cover.html", b"<html><script>alert(1)</script></html>"),
        ("cover.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_uploads_that_are_not_raster_images_are_refused(name, content):
    CoverForm = modelform_factory(Post, fields=["cover_image"])  # the admin's field and checks
    form = CoverForm(files={"cover_image": SimpleUploadedFile(name, content)})
    assert "cover_image" in form.errors


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt"])
def test_feeds_and_sitemaps_carry_the_security_headers(client, db, url):
    response = client.get(url)
    assert (
        response["X-Content-Type-Options"],
        "default-src" in response["Content-Security-Policy"],
    ) == (
        "nosniff",
        True,
    )


@pytest.mark.parametrize(
    "name", ["admin:index", "admin:blog_post_add", "admin:blog_post_changelist"]
)
def test_the_admin_needs_no_inline_script_under_the_policy(client, editor, name):
    client.force_login(editor)
    html = client.get(reverse(name)).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_an_editor_can_reset_a_forgotten_password_by_email(client, editor, mailoutbox):
    editor.email = "editor@example.com"
    editor.save()
    client.post(reverse("admin_password_reset"), {"email": "editor@example.com"})
    assert len(mailoutbox) == 1 and "/reset/" in mailoutbox[0].body


def test_the_login_page_offers_a_password_reset(client, db):
    assert reverse("admin_password_reset") in client.get(reverse("admin:login")).text
