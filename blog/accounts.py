"""Editor accounts created from the command line."""

import secrets

from django.contrib.auth import get_user_model


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def create_local_editor(username: str = "editor") -> tuple[str, str] | None:
    """Create a superuser for a fresh local site; None when a staff account already exists."""
    User = get_user_model()
    if User.objects.filter(is_staff=True).exists():
        return None
    password = generate_password()
    User.objects.create_superuser(username=username, email="", password=password)
    return username, password
