"""Cache values a worker has read lately, kept in the worker until Redis says they changed.

Under load on a small machine a Redis round trip costs about as much CPU as Django's whole
hello-world view (the worker, Redis and the load all share the cores), and a page-cache hit
made one or two. Redis's server-assisted client-side caching removes them: a connection of
the worker's own asks Redis to track every key under the given prefixes (CLIENT TRACKING in
broadcast mode) and to send it, as Pub/Sub messages, the name of any such key that is
written, deleted, expired or evicted, by anyone. Every read first takes those messages off
the socket (a poll, no round trip), so a value kept here is never older than the last
message that arrived. Redis queues the message before it answers the writer: a request that
follows a write on the same host reads the new value; across hosts, once the message has
crossed the network. Redis expires keys only when it comes across them, which a key read from
the worker may not be for long, and a connection can die without a sound: a value is kept at
most MAX_AGE_SECONDS, then read from Redis again.

If that connection breaks, or more messages wait than one read should take off, everything
kept is dropped and reads go to Redis until it is opened again (at most every
RECONNECT_SECONDS); a server that refuses tracking is not asked again. Values are kept as
Redis returned them and decoded on every read, so no two requests share an object, except
values no one can change (strings, as fragments are, and numbers), kept decoded: decoding
them took a twentieth of a list page; model instances, kept decoded and copied for each
read; and pages of the page cache, kept decoded, each hit serving a copy
(blog.cache_backends). Django keeps a cache, and so a NearCache, per thread:
no lock is needed.
"""

import logging
import os
import select
import sys
import time
from collections import OrderedDict

from redis.exceptions import ConnectionError, RedisError, ResponseError

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 5
MAX_AGE_SECONDS = 5
# More waiting than this (after a long idle spell): dropping everything is quicker.
MAX_MESSAGES_A_READ = 1000
# What a kept entry costs besides its key and value (the dict, tuple and objects).
ENTRY_OVERHEAD_BYTES = 300
INVALIDATIONS = "__redis__:invalidate"


class NearCache:
    def __init__(self, connection_pool, prefixes, max_bytes):
        self._pool = connection_pool
        self._prefixes = tuple(prefixes)
        self._max_bytes = max_bytes
        self._values = OrderedDict()
        self._bytes = 0
        self._tracking = None
        self._poll = None
        self._pid = None
        self._next_attempt = 0.0
        self._refused = False
        # Changes whenever what is kept may have missed a message: a value read from Redis
        # is kept only if no such change came between the read and keeping it.
        self.epoch = 0

    def covers(self, key: str) -> bool:
        return key.startswith(self._prefixes)

    def read(self, keys):
        """({key: (raw, value)} of those kept, the epoch to hand to keep() after reading the
        rest). `value` is the decoded value when it was kept (see keep), else None and `raw`
        is to be decoded."""
        if not self._drain():
            return {}, None
        found = {}
        oldest = time.monotonic() - MAX_AGE_SECONDS
        for key in keys:
            entry = self._values.get(key)
            if entry is None:
                continue
            raw, value, read_at, _ = entry
            if read_at < oldest:
                self._drop(key)
            else:
                self._values.move_to_end(key)
                found[key] = (raw, value)
        return found, self.epoch

    def keep(self, key: str, raw: bytes, epoch, value=None) -> None:
        """Keeps `raw` as Redis returned it or, if given, its decoded `value` instead: only for a
        value every request may share, one no one can change, or that each read copies."""
        if value is None:
            size = len(key) + len(raw) + ENTRY_OVERHEAD_BYTES
        else:
            # A string with one character beyond Latin-1 takes two or four bytes a character; an
            # object holding others is counted as its pickle.
            size = len(key) + max(len(raw), sys.getsizeof(value)) + ENTRY_OVERHEAD_BYTES
            raw = None
        if epoch != self.epoch or size > self._max_bytes:
            return
        self._drop(key)
        self._values[key] = (raw, value, time.monotonic(), size)
        self._bytes += size
        while self._bytes > self._max_bytes:
            _, oldest = self._values.popitem(last=False)
            self._bytes -= oldest[-1]

    def forget(self, keys) -> None:
        """For this process's own writes: the message about them comes a moment later."""
        for key in keys:
            self._drop(key)

    def clear(self) -> None:
        self._values.clear()
        self._bytes = 0
        self.epoch += 1

    def _drop(self, key):
        entry = self._values.pop(key, None)
        if entry is not None:
            self._bytes -= entry[-1]

    def _drain(self) -> bool:
        """Applies the messages waiting; whether what is kept can be trusted."""
        if self._pid != os.getpid():
            # A forked worker must not read its parent's socket.
            self._tracking, self._pid = None, os.getpid()
            self.clear()
        # Just opened, whatever came with the confirmations waits in redis-py's buffer, which
        # a poll of the socket does not see: the loop below reads it.
        opening = self._tracking is None
        if opening and not self._open():
            return False
        try:
            if not opening and not self._message_waiting():
                return True
            for _ in range(MAX_MESSAGES_A_READ):
                if not self._tracking.can_read(timeout=0):
                    return True
                message = self._tracking.read_response()
                if message[0] != b"message":
                    continue
                # None when Redis was flushed: every key changed.
                if message[2] is None:
                    self.clear()
                else:
                    for key in message[2]:
                        # A key not in UTF-8 is none of Django's, so none kept here.
                        self._drop(key.decode(errors="replace"))
        except (RedisError, OSError) as error:
            logger.warning("Near cache: tracking lost (%s); reading Redis.", type(error).__name__)
            self._close()
            return False
        logger.warning("Near cache: too many changes waiting; starting afresh.")
        self._close()
        return False

    def _message_waiting(self) -> bool:
        """Whether Redis sent anything since the last drain, which read until redis-py's buffer
        was empty: one poll of the socket. redis-py's own check (a read with a timeout of zero,
        and the exception it raises) took a twentieth of a page-cache hit."""
        sock = self._tracking._sock
        # Closed, its number may already be another socket's.
        if sock is None or sock.fileno() == -1:
            raise ConnectionError("the tracking connection is closed")
        return bool(self._poll.poll(0))

    def _open(self) -> bool:
        if self._refused or time.monotonic() < self._next_attempt:
            return False
        self._next_attempt = time.monotonic() + RECONNECT_SECONDS
        connection = self._pool.connection_class(**self._pool.connection_kwargs)
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            prefixes = [part for prefix in self._prefixes for part in ("PREFIX", prefix)]
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", *prefixes
            )
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATIONS)
            connection.read_response()
        except ResponseError as error:
            # Redis before 6, or a proxy or permissions that forbid tracking: not asked again.
            logger.warning("Near cache: Redis refuses tracking (%s); reading Redis.", error)
            self._refused = True
            connection.disconnect()
            return False
        except (RedisError, OSError) as error:
            logger.warning("Near cache: no tracking (%s); reading Redis.", type(error).__name__)
            connection.disconnect()
            return False
        self._tracking = connection
        # poll, not select: select refuses sockets numbered 1024 and above.
        self._poll = select.poll()
        self._poll.register(connection._sock, select.POLLIN)
        # Nothing kept before now was watched.
        self.clear()
        return True

    def _close(self):
        self._tracking.disconnect()
        self._tracking = self._poll = None
        self.clear()
