"""create_local_editor: one editor account for a fresh local site, its password shown once."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

CREDENTIALS = re.compile(r"account '(?P<username>[^']+)' with the password '(?P<password>[^']+)'")


def run_create_local_editor() -> str:
    out = StringIO()
    call_command("create_local_editor", stdout=out)
    return out.getvalue()


@pytest.fixture
def printed(db):
    """The username and password the first run printed."""
    return CREDENTIALS.search(run_create_local_editor()).groupdict()


def test_printed_password_logs_the_editor_in(printed):
    editor = get_user_model().objects.get(username=printed["username"])
    assert editor.check_password(printed["password"])


def test_created_editor_may_use_the_admin(printed):
    editor = get_user_model().objects.get(username=printed["username"])
    assert (editor.is_staff, editor.is_superuser, editor.is_active) == (True, True, True)


def test_each_new_site_gets_its_own_password(db):
    first = CREDENTIALS.search(run_create_local_editor())["password"]
    get_user_model().objects.all().delete()
    second = CREDENTIALS.search(run_create_local_editor())["password"]
    assert first != second


def test_password_is_long(printed):
    assert len(printed["password"]) >= 16


def test_second_run_creates_no_account(printed):
    run_create_local_editor()
    assert get_user_model().objects.count() == 1


def test_second_run_prints_no_password(printed):
    assert printed["password"] not in run_create_local_editor()


def test_second_run_says_an_account_exists(printed):
    assert "already exists" in run_create_local_editor()


def test_existing_staff_account_means_no_new_account(db):
    get_user_model().objects.create_user(username="desk", is_staff=True)
    run_create_local_editor()
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["desk"]
