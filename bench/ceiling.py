"""The ceiling of the site benchmark: Django's own minimum, served like the site.

One view returning a small constant HTML page, no apps, no middleware, no database, DEBUG
off. bench/site_bench.py runs it with the site's gunicorn configuration and worker count
(`gunicorn bench.ceiling:application --config config/gunicorn.conf.py`), so the ratio of a
page's requests per second to this one's measures what the page costs above the minimum.
It is not in the site's URLs.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PAGE = (
    "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>Ceiling</title></head>"
    "<body><h1>Hello</h1><p>A small constant page.</p></body></html>\n"
)


def hello(request):
    return HttpResponse(PAGE)


settings.configure(
    DEBUG=False,
    SECRET_KEY="ceiling-of-the-benchmark-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
urlpatterns = [path("", hello)]
application = get_wsgi_application()
