"""Static files' addresses: hashed from the manifest, worked out once per storage."""

import json
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
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


def test_addresses_are_worked_out_afresh_after_collectstatic(collected, tmp_path_factory):
    collected.url("css/site.css")
    source = FileSystemStorage(location=tmp_path_factory.mktemp("source"))
    for storage in (source, collected):
        storage.save("css/site.css", ContentFile(b"body { color: black; }"))
    # As collectstatic does, once it has copied the files.
    list(collected.post_process({"css/site.css": (source, "css/site.css")}))
    assert collected.url("css/site.css") == "/static/" + collected.hashed_files["css/site.css"]
