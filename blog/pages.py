"""Static pages (About, Contact, ...): django.contrib.flatpages, edited in the admin."""

from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site as SiteModel
from django.db import DEFAULT_DB_ALIAS, router


def public_pages():
    """This site's pages that anyone may read, by title; for the navigation and the sitemap."""
    return FlatPage.objects.filter(sites=settings.SITE_ID, registration_required=False).order_by(
        "title"
    )


def sync_site(apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: keep the sites framework's Site on SITE_URL and SITE_NAME.

    Feeds and the admin's "View on site" build addresses from it; left at Django's default
    it would send readers to example.com. (`manage.py flush` sends the signal without `apps`.)
    """
    try:
        Site = apps.get_model("sites", "Site")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Site):
        return
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )
    SiteModel.objects.clear_cache()
