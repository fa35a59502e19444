"""Counting reads: into the database at once, or through Redis in batches when the site has it.

A read written at once is a write transaction of its own: under load, readers queue for
SQLite's write lock or for PostgreSQL's commits, and a post page costs several cached pages.
With Redis, a read is added to the worker's own tally, which goes to Redis at most once every
SEND_SECONDS, in one transaction (the first read after a quiet spell at once, the rest by a
timer a second later, and what is left when the worker stops, from gunicorn's worker_exit
hook): a round trip a read cost more than the cached page it counted. At most once every
FLUSH_SECONDS, a worker sending reads moves the pending counts aside and adds them to the
database in one transaction (a timer, which has no database connection, leaves that to its
worker's next read): while reads keep coming, the database holds each read within FLUSH_SECONDS
and a second of it; the last ones before a quiet spell wait in Redis for the next read, the
dashboard or `manage.py flush_view_counts` (from cron). If that transaction fails, the counts
go back for the next batch. A worker killed outright loses the reads of its last second.
Without Redis each read is written at once; while Redis is unreachable, a worker's tally is
written to the database with its next read (kept for later if the database fails too). A send
whose answer is lost after Redis applied it (Redis dying at that moment) is written again:
those reads count twice.
"""

import datetime
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict

from django.core.cache import cache, caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from redis.exceptions import ResponseError

from blog.cache_backends import UNREACHABLE, ResilientRedisCache
from blog.models import DailyPostViews, Post

logger = logging.getLogger(__name__)
# A batch costs the database about as much for one read as for thousands.
FLUSH_SECONDS = 5
SEND_SECONDS = 1
PENDING = "blog:views:pending"
FLUSH_DUE = "blog:views:flush-due"
# Posts a statement of a batch names, well within SQLite's limit on parameters.
STATEMENT_POSTS = 500


def count_read(slug: str) -> None:
    """One read of the post `slug` (ignored unless it is published now)."""
    client = _redis()
    if client is None:
        with transaction.atomic(savepoint=False):
            commit_without_waiting_for_disk()
            if Post.objects.add_view(slug):
                DailyPostViews.objects.count_view(slug)
    elif _tally.add(f"{_today().isoformat()} {slug}", client):
        send(client)


def shown(post: Post) -> int:
    """The view count a post page shows. With Redis the database's counts change once a batch,
    so the count is kept as long as a batch waits, sparing most post pages their only queries
    (the count and the connection's health check). Without Redis each read is written at once:
    the database's count is shown, and reading it costs less than the file cache would."""
    if _redis() is None:
        return Post.objects.view_count_of(post.pk, default=post.view_count)
    key = f"blog:view-count:{post.pk}"
    count = cache.get(key)
    if count is None:
        count = Post.objects.view_count_of(post.pk, default=post.view_count)
        cache.set(key, count, FLUSH_SECONDS)
    return count


# The site's zone, today's date there and when it ends (a timestamp), as last worked out.
_day = (None, None, float("-inf"))


def _today() -> datetime.date:
    """Today in the site's time zone, where the daily counts are kept. Worked out again only
    when that day ends or the zone changes: converting the time on every read took a third of
    counting it. The site's zone is named, not looked up as the current one (an override per
    request, which this site never makes)."""
    global _day
    zone = timezone.get_default_timezone()
    day_zone, day, ends = _day
    now = time.time()
    if zone is not day_zone or now >= ends:
        day = datetime.datetime.fromtimestamp(now, zone).date()
        midnight = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(), zone
        )
        _day = (zone, day, midnight.timestamp())
    return day


class Tally:
    """The reads a worker has counted and not yet sent to Redis."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reads = Counter()
        self._sent_at = float("-inf")
        self._timer = None
        # Set when the timer's send found a batch due: it leaves the database to a request.
        self._flush_due = False

    def add(self, field: str, client) -> bool:
        """Counts a read; whether its request is to send the tally now (else a timer sends it
        with `client`: a cache of the timer's own thread would open a connection each time)."""
        with self._lock:
            self._reads[field] += 1
            wait = self._sent_at + SEND_SECONDS - time.monotonic()
            if wait <= 0 or self._flush_due:
                return True
            if self._timer is None:
                self._timer = threading.Timer(wait, self._send_later, args=(client,))
                self._timer.daemon = True
                self._timer.start()
            return False

    def take(self) -> Counter:
        with self._lock:
            return self._take()

    def _take(self) -> Counter:
        reads, self._reads = self._reads, Counter()
        self._sent_at = time.monotonic()
        return reads

    def put_back(self, reads: Counter) -> None:
        """Reads a send could not deliver: the next read's request sends them (or writes them
        to the database)."""
        with self._lock:
            self._reads.update(reads)
            self._sent_at = float("-inf")

    def take_flush_due(self) -> bool:
        with self._lock:
            due, self._flush_due = self._flush_due, False
            return due

    def _send_later(self, client):
        with self._lock:
            self._timer = None
            reads = self._take()
        if not reads:
            return
        try:
            due = _send_to_redis(client, reads)
        except UNREACHABLE as error:
            # No database from a timer's thread: the next read or the worker's exit sends them.
            logger.warning("Redis unreachable (%s): reads kept for later.", type(error).__name__)
            self.put_back(reads)
        else:
            if due:
                with self._lock:
                    self._flush_due = True


_tally = Tally()


def send(client=None) -> None:
    """Sends this worker's tally to Redis, and adds the waiting reads to the database when a
    batch is due."""
    client = client or _redis()
    if client is None:
        return
    due = _send_tally(client)
    if _tally.take_flush_due() or due:
        flush(client)


def _send_tally(client) -> bool:
    """Whether a batch is due. Written at once if Redis is unreachable."""
    reads = _tally.take()
    if not reads:
        return False
    try:
        return _send_to_redis(client, reads)
    except UNREACHABLE as error:
        logger.warning("Redis unreachable (%s): reads written at once.", type(error).__name__)
        if not _written(reads):
            _tally.put_back(reads)
    return False


def _written(counts: dict) -> bool:
    """Adds the reads to the database in one transaction; whether it committed."""
    try:
        with transaction.atomic():
            commit_without_waiting_for_disk()
            _add_to_database(counts)
    except DatabaseError:
        logger.exception("Adding reads to the database failed: they wait for the next try.")
        return False
    return True


def flush(client=None) -> int:
    """Adds the reads waiting in Redis to the database; how many reads that was."""
    client = client or _redis()
    if client is None:
        return 0
    _send_tally(client)
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
    if not _written(counts):
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


def _send_to_redis(client, reads: dict) -> bool:
    """Adds the reads to those waiting in Redis; whether a batch is due."""
    pipeline = client.pipeline(transaction=True)
    for field, views in reads.items():
        pipeline.hincrby(cache.make_key(PENDING), field, views)
    pipeline.set(cache.make_key(FLUSH_DUE), 1, nx=True, ex=FLUSH_SECONDS)
    return bool(pipeline.execute()[-1])


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
