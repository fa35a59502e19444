from django.conf import settings
from django.utils.functional import SimpleLazyObject

from blog import content_version, pages
from blog.models import Category


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION,
        "nav_categories": Category.objects.in_use(),
        # Querysets and the lazy object below cost nothing until a template uses them.
        "nav_pages": pages.public_pages().only("url", "title"),
        # For {% cache %} keys: any editorial change invalidates cached fragments.
        "content_version": SimpleLazyObject(content_version.current),
    }
