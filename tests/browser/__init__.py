"""Tests in a real browser: Playwright for Python driving Debian's chromium against a live site.

How it fits together
--------------------
- `tests/browser/chromium.py` knows how to start things: `launch(playwright)` opens
  /usr/bin/chromium with the flags this machine needs, and `serve_demo_site(tmp_path)` serves a
  fresh copy of the site (gunicorn, a new database of the kind the suite runs on, the demo posts,
  extra posts for pagination and a staff account). The screenshot and Lighthouse scripts reuse both.
- `tests/browser/conftest.py` turns them into fixtures for any test module in this folder:

  ``demo_site`` (package scope)
      A `DemoSite`: ``url`` (http://127.0.0.1:<port>, also the site's SITE_URL), ``env`` (for
      `tests.live_site.manage(site.env, ...)` against the live database), ``editor`` and
      ``editor_password`` (a superuser), ``page_url(path)``.
  ``chromium`` (module scope)
      A Playwright `Browser`. Skips the test, saying why, when /usr/bin/chromium or Playwright is
      missing. While it is open DJANGO_ALLOW_ASYNC_UNSAFE is set, because Playwright's sync API
      runs an event loop in the test's thread and Django would refuse ORM calls.
  ``new_page(**context_options)`` (function scope)
      A factory: a `Page` in a fresh browser context (desktop 1280x800, light scheme, unless
      ``viewport=``, ``color_scheme=`` and other `Browser.new_context` options say otherwise).
      ``page.watch`` is a `Problems` recorder: console errors, uncaught exceptions, failed
      requests and responses of 400 or more, from the moment the page was made.
  ``page``
      ``new_page()``: a reader on a desktop browser.
  ``staff_page``
      A page whose context is logged in to the admin as ``demo_site.editor``.

Write a browser test by asking for ``page`` (or ``staff_page``) and ``demo_site``::

    def test_home_page_has_a_title(page, demo_site):
        page.goto(demo_site.url + "/")
        assert page.title().startswith("The Django Dispatch")

Keep them in this folder so they share one server per run: starting it (migrations, demo
content, collectstatic) takes a few seconds; one chromium per module, one context per test.
"""
