"""Static files' addresses: hashed from the manifest, worked out once per storage."""

import json
from unittest import mock

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from blog.static_storage import StaticFilesStorage


@pytest.fixture
def collected(tmp_path, settings):
    """A storage over collected files whose manifest names the stylesheet's hashed copy."""
    settings.DEBUG = False
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_address_is_the_hashed_copy(collected):
    assert collected.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_address_is_worked_out_once(collected):
    collected.url("css/site.css")
    with mock.patch.object(CompressedManifestStaticFilesStorage, "url") as worked_out:
        collected.url("css/site.css")
    worked_out.assert_not_called()


def test_address_with_debug_on_is_the_file_itself(collected, settings):
    collected.url("css/site.css")
    settings.DEBUG = True
    assert collected.url("css/site.css") == "/static/css/site.css"
