"""Counting reads: into the database at once, or through Redis in batches when the site has it.

A read written at once is a write transaction of its own: under load, readers queue for
SQLite's write lock or for PostgreSQL's commits, and a post page costs several cached pages.
With Redis, a read is one HINCRBY. At most once every FLUSH_SECONDS, the worker that counts a
read moves the pending counts aside and adds them to the database in one transaction: while
reads keep coming, the database holds each a second or so after it happened; the last ones
before a quiet spell wait for the next read, the dashboard or `manage.py flush_view_counts`
(from cron). If that transaction fails, the counts go back for the next batch.
Without Redis, or while it is unreachable, each read is written at once.
"""

import datetime
import logging
import uuid
from collections import Counter, defaultdict

from django.core.cache import cache, caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from redis.exceptions import ResponseError

from blog.cache_backends import UNREACHABLE, ResilientRedisCache
from blog.models import DailyPostViews, Post

logger = logging.getLogger(__name__)
FLUSH_SECONDS = 1
PENDING = "blog:views:pending"
FLUSH_DUE = "blog:views:flush-due"
# Posts a statement of a batch names, well within SQLite's limit on parameters.
STATEMENT_POSTS = 500


def count_read(slug: str) -> None:
    """One read of the post `slug` (ignored unless it is published now)."""
    client = _redis()
    if client is not None:
        try:
            due = _count_in_redis(client, slug)
        except UNREACHABLE as error:
            logger.warning("Redis unreachable (%s): read written at once.", type(error).__name__)
        else:
            if due:
                flush(client)
            return
    with transaction.atomic(savepoint=False):
        commit_without_waiting_for_disk()
        if Post.objects.add_view(slug):
            DailyPostViews.objects.count_view(slug)


def flush(client=None) -> int:
    """Adds the reads waiting in Redis to the database; how many reads that was."""
    client = client or _redis()
    if client is None:
        return 0
    batch = cache.make_key(f"blog:views:batch:{uuid.uuid4().hex}")
    try:
        # Atomic: reads counted from now on wait for the next batch.
        client.rename(cache.make_key(PENDING), batch)
        counts = {field.decode(): int(views) for field, views in client.hgetall(batch).items()}
    except ResponseError:  # nothing is waiting
        return 0
    except UNREACHABLE as error:
        logger.warning("Redis unreachable (%s): reads are added later.", type(error).__name__)
        return 0
    try:
        with transaction.atomic():
            commit_without_waiting_for_disk()
            _add_to_database(counts)
    except DatabaseError:
        logger.exception("Adding reads to the database failed: they wait for the next batch.")
        _put_back(client, batch, counts)
        return 0
    try:
        client.delete(batch)
    except UNREACHABLE as error:
        # The reads are in the database: the batch left behind is never read again, and the
        # reader whose read set off this batch still gets the page.
        logger.warning("Redis unreachable (%s): a batch added is left there.", type(error).__name__)
    return sum(counts.values())


def _add_to_database(counts: dict[str, int]) -> None:
    """A few statements a batch, whatever the number of posts read: compiling one statement
    a post cost more than all the reads it counted."""
    per_post, per_day = Counter(), defaultdict(dict)
    for field, views in counts.items():
        day, slug = field.split(" ", 1)
        per_post[slug] += views
        per_day[datetime.date.fromisoformat(day)][slug] = views
    slugs = list(per_post)
    for start in range(0, len(slugs), STATEMENT_POSTS):
        chosen = slugs[start : start + STATEMENT_POSTS]
        Post.objects.add_views({slug: per_post[slug] for slug in chosen})
    for day, views in per_day.items():
        day_slugs = list(views)
        for start in range(0, len(day_slugs), STATEMENT_POSTS):
            chosen = day_slugs[start : start + STATEMENT_POSTS]
            DailyPostViews.objects.add_views(day, {slug: views[slug] for slug in chosen})


def commit_without_waiting_for_disk():
    """On PostgreSQL, let this transaction's commit return before its WAL reaches the disk.

    A crash may then lose the last fraction of a second of counted views, never a post: only
    this transaction is affected. Waiting for the disk would make every counted read as slow
    as an fsync. (SQLite already runs with synchronous=NORMAL under WAL.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _redis():
    backend = caches["default"]
    return backend.redis_client() if isinstance(backend, ResilientRedisCache) else None


def _count_in_redis(client, slug: str) -> bool:
    """Counts the read; whether a batch is due."""
    pipeline = client.pipeline(transaction=False)
    pipeline.hincrby(cache.make_key(PENDING), f"{timezone.localdate().isoformat()} {slug}", 1)
    pipeline.set(cache.make_key(FLUSH_DUE), 1, nx=True, ex=FLUSH_SECONDS)
    _, due = pipeline.execute()
    return bool(due)


def _put_back(client, batch: str, counts: dict) -> None:
    pipeline = client.pipeline(transaction=True)
    for field, views in counts.items():
        pipeline.hincrby(cache.make_key(PENDING), field, views)
    pipeline.delete(batch)
    try:
        pipeline.execute()
    except UNREACHABLE as error:
        logger.error(
            "Redis unreachable (%s): %s reads lost.", type(error).__name__, sum(counts.values())
        )
