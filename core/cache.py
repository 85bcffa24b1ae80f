"""The shared cache (Redis in production), which the site must survive losing.

Nothing the cache holds is the only copy of anything: a miss costs a database query or a
recount, never an answer. So when Redis cannot be reached, every read is a miss, every
write is dropped, and the site keeps serving; a warning is logged at most once per
``RETRY_AFTER`` seconds per process, and Redis is not asked again until then (so a hung
Redis costs each process one timeout per window, not one per request).

Counters that must not silently reset (the feedback flood limit) call ``incr``: when the
cache is down it raises ``CacheUnavailable``, so the caller can fall back on its own.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds between attempts once Redis has failed


class CacheUnavailable(ValueError):
    """The shared cache cannot be reached. A ValueError, as ``incr`` of a missing key is: there is no value."""


class OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis-py client for every cache call, and redis-py fills some 170 response
    callbacks in each one's constructor: 0.2 ms a call, three calls a request, as long as a whole trivial
    view. A client is only a front for its connection pool and is safe to share between threads, so one is
    made per pool, when first needed (after gunicorn forks: a pool also checks its process)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients.setdefault(pool, self._client(connection_pool=pool))
        return self._clients[pool]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, name, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except Exception as error:  # redis-py raises its own errors, OSError, or pickling errors of a bad value
            if not is_connection_error(error):
                raise
            self._mark_down(error)
            return default

    def _mark_down(self, error):
        with self._lock:
            if time.monotonic() < self._down_until:
                return
            self._down_until = time.monotonic() + RETRY_AFTER
        logger.warning("Shared cache unavailable (%s: %s); serving without it for %s s.",
                       type(error).__name__, error, RETRY_AFTER)

    @property
    def available(self):
        return time.monotonic() >= self._down_until

    def ping(self):
        """Raises when Redis does not answer (for the health check); never short-cut by the retry window."""
        self._cache.get_client(write=True).ping()
        with self._lock:
            self._down_until = 0.0

    def add(self, *args, **kwargs):
        return self._call("add", False, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, *args, **kwargs):
        return self._call("set", None, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", False, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call("set_many", list(data), data, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", None, *args, **kwargs)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            raise CacheUnavailable("the shared cache is unavailable")
        return result


def is_connection_error(error):
    import redis

    return isinstance(error, (redis.exceptions.RedisError, OSError))
