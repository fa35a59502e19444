from django.conf import settings
from django.utils.functional import SimpleLazyObject

from blog import content_version, pages
from blog.models import Category


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION,
        # Lazy: the navigation is a cached fragment, and even building a queryset costs more
        # than a whole fragment cache hit.
        "nav_categories": SimpleLazyObject(lambda: list(Category.objects.in_use())),
        "nav_pages": SimpleLazyObject(lambda: list(pages.public_pages().only("url", "title"))),
        # For {% cache %} keys: any editorial change invalidates cached fragments.
        "content_version": SimpleLazyObject(content_version.current),
    }
