"""gunicorn settings for `make run` and production; every value can be overridden by env."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# 2 x CPUs + 1, capped: each worker holds a database connection.
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 12)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Long search queries make long URLs; the default 4094 answers a bare 400 sooner.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# One line a request: time, peer, forwarded-for, request, status, bytes, ms, agent, request id.
access_log_format = (
    '%(t)s %(h)s "%({x-forwarded-for}i)s" "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_exit(server, worker):
    """Sends the reads the worker counted in its last second (blog.view_counts)."""
    from django.apps import apps

    # The benchmark's ceiling (bench/ceiling.py) runs with this file too, without the blog.
    if apps.is_installed("blog"):
        from blog import view_counts

        view_counts.send()
