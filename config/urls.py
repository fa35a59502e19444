from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from django.contrib.sitemaps import views as sitemap_views

from blog.sitemaps import SITEMAPS
from blog.views import health, robots_txt, sitemap

handler500 = "blog.views.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health, name="health"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("blog.urls")),
]

if settings.SERVE_MEDIA:
    # Local set-ups serve uploads themselves; production leaves them to the proxy.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
