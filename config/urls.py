from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from blog.views import health, robots_txt, sitemap, sitemap_section

handler500 = "blog.views.server_error"

urlpatterns = [
    # Password reset for editors, with the admin's own templates (linked from its login page).
    path(
        f"{settings.ADMIN_URL}password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        f"{settings.ADMIN_URL}password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health, name="health"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    # Static pages: a page saved with the URL "/about/" is served at /pages/about/.
    path("pages/", include("django.contrib.flatpages.urls")),
    path("", include("blog.urls")),
]

if settings.SERVE_MEDIA:
    # Local set-ups serve uploads themselves; production leaves them to the proxy.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
