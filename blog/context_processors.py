from django.conf import settings

from blog.models import Category


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION,
        "nav_categories": Category.objects.with_post_counts().filter(post_count__gt=0),
    }
