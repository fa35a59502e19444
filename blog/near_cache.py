"""Cache values a worker has read lately, kept in the worker until Redis says they changed.

Under load on a small machine a Redis round trip costs about as much CPU as Django's whole
hello-world view (the worker, Redis and the load all share the cores), and a page-cache hit
made one or two. Redis's server-assisted client-side caching removes them: a connection of
the worker's own asks Redis to track every key under the given prefixes (CLIENT TRACKING in
broadcast mode) and to send it, as Pub/Sub messages, the name of any such key that is
written, deleted, expired or evicted, by anyone. Every read first drains those messages (a
poll of the socket, no round trip), so a value kept here is never older than the last
message Redis sent. Redis queues the message before it answers the writer, so a request
that follows a write on this host reads the new value. Redis expires keys only when it
comes across them, which a key read from the worker may not be for long: a value is kept at
most MAX_AGE_SECONDS, then read from Redis again.

If that connection breaks, everything kept is dropped and reads go to Redis until it is
opened again (at most every RECONNECT_SECONDS). Values are kept as Redis returned them and
decoded on every read, so no two requests share an object.
"""

import logging
import os
import threading
import time
from collections import OrderedDict

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 5
MAX_AGE_SECONDS = 5
INVALIDATIONS = "__redis__:invalidate"


class NearCache:
    def __init__(self, connection_pool, prefixes, max_bytes):
        self._pool = connection_pool
        self._prefixes = tuple(prefixes)
        self._max_bytes = max_bytes
        self._values = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._tracking = None
        self._pid = None
        self._next_attempt = 0.0
        # Changes whenever what is kept may have missed a message: a value read from Redis
        # is kept only if no such change came between the read and keeping it.
        self.epoch = 0

    def covers(self, key: str) -> bool:
        return key.startswith(self._prefixes)

    def read(self, keys):
        """({key: value} of those kept, the epoch to hand to keep() after reading the rest)."""
        with self._lock:
            if not self._drain():
                return {}, None
            found = {}
            oldest = time.monotonic() - MAX_AGE_SECONDS
            for key in keys:
                raw, read_at = self._values.get(key, (None, None))
                if raw is None:
                    continue
                if read_at < oldest:
                    self._drop(key)
                else:
                    self._values.move_to_end(key)
                    found[key] = raw
            return found, self.epoch

    def keep(self, key: str, raw: bytes, epoch) -> None:
        if epoch is None or len(raw) > self._max_bytes:
            return
        with self._lock:
            if epoch != self.epoch:
                return
            self._drop(key)
            self._values[key] = (raw, time.monotonic())
            self._bytes += len(raw)
            while self._bytes > self._max_bytes:
                _, (oldest, _) = self._values.popitem(last=False)
                self._bytes -= len(oldest)

    def forget(self, keys) -> None:
        """For this process's own writes: the message about them comes a moment later."""
        with self._lock:
            for key in keys:
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._clear()

    def _drop(self, key):
        raw, _ = self._values.pop(key, (None, None))
        if raw is not None:
            self._bytes -= len(raw)

    def _clear(self):
        self._values.clear()
        self._bytes = 0
        self.epoch += 1

    def _drain(self) -> bool:
        """Applies the messages waiting; whether what is kept can be trusted."""
        if self._pid != os.getpid():
            # A forked worker must not read its parent's socket.
            self._tracking, self._pid = None, os.getpid()
            self._clear()
        if self._tracking is None and not self._open():
            return False
        try:
            while self._tracking.can_read(timeout=0):
                message = self._tracking.read_response()
                if message[0] != b"message":
                    continue
                # None when Redis was flushed: every key changed.
                if message[2] is None:
                    self._clear()
                else:
                    for key in message[2]:
                        self._drop(key.decode())
        except (RedisError, OSError) as error:
            logger.warning("Near cache: tracking lost (%s); reading Redis.", type(error).__name__)
            self._close()
            return False
        return True

    def _open(self) -> bool:
        if time.monotonic() < self._next_attempt:
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
        except (RedisError, OSError) as error:
            logger.warning("Near cache: no tracking (%s); reading Redis.", type(error).__name__)
            connection.disconnect()
            return False
        self._tracking = connection
        # Nothing kept before now was watched.
        self._clear()
        return True

    def _close(self):
        self._tracking.disconnect()
        self._tracking = None
        self._clear()
