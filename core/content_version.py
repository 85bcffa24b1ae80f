"""One number that changes whenever published content or rules may have changed.

Whatever is computed once and kept (the rule book of ``calculators.rulebook``, cached pages) is kept
under the version it was computed for, so a change anywhere is seen on the next request by every
process that shares the cache.

Invalidation rule: every save or delete of a model in the content apps (guides, FAQs, sources, topics,
regions, groups, every rule table and band, check cases), every change to a many-to-many set of theirs,
and every fixture load bumps the version: at once (so this process and this transaction see it), and
again when the transaction commits (so that no other process keeps a copy it built from the data just
before the commit). Time-based changes (a ``publish_at`` moment passing) are not bumps: whatever is kept
also records the next moment at which it stops being true (see ``calculators.rulebook``).

What is kept in the shared cache goes through ``kept``: one key per name and version, a lifetime, and
optionally the moment it stops being true (``until``, such as the next scheduled publication). What each
process keeps in memory (the rule book, the search index) goes through ``InProcess``.

Within one request the version is read once (``read_once``, around every request in the response-cache
middleware): a change another process makes meanwhile shows from the next request, one made by this
request at once.

The version lives in the shared cache (Redis in production). When the cache cannot be reached the
version is None, and callers must not keep anything: correct, only slower. A bump that cannot reach the
cache is not lost: the process remembers it (``_pending``) and makes it before it reads the version again,
returning None (keep nothing) until it succeeds, so nothing kept under the old version is believed once the
cache is back.
"""

import logging
import math
import threading
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

KEY = "content-version"
CONTENT_APPS = ("guides", "calculators")
log = logging.getLogger(__name__)
_pending = False  # a bump this process could not make yet
# Within a request (``read_once``): the version as read at its first use. The rule book, tables and search
# ask for it dozens of times a request, and with Redis each read would be a round trip.
_this_request = ContextVar("content_version_this_request", default=None)


@contextmanager
def read_once():
    """Read the version at most once in this block (one request); a bump made in it updates what it sees."""
    token = _this_request.set({})
    try:
        yield
    finally:
        _this_request.reset(token)


def _remember(version):
    memo = _this_request.get()
    if memo is not None:
        memo["version"] = version
    return version


def current():
    """The version (a short string), or None when the shared cache is unavailable."""
    memo = _this_request.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    return _remember(_read())


def _read():
    if _pending:
        bump()
        if _pending:
            return None
    try:
        version = cache.get(KEY)
        if version is None:
            version = uuid.uuid4().hex[:12]
            if not cache.add(KEY, version, timeout=None):
                version = cache.get(KEY)
        return version
    except Exception:  # noqa: BLE001 - a cache outage must degrade to "keep nothing", never fail a page
        log.warning("Content version unavailable: the cache cannot be reached", exc_info=True)
        return None


def current_with(*keys):
    """``(current(), {key: value})``: the version and whatever ``keys`` hold, in one round trip when it can."""
    if not _pending:
        try:
            found = cache.get_many([KEY, *keys])
        except Exception:  # noqa: BLE001 - as in current(): degrade to "keep nothing"
            log.warning("Content version unavailable: the cache cannot be reached", exc_info=True)
            return None, {}
        version = found.pop(KEY, None)
        if version is not None:
            return _remember(version), found
    return current(), {}  # a new version: nothing kept under an old one may be used


def kept(name, build, seconds, until=None):
    """``build()``, kept in the shared cache under ``name`` and the content version for ``seconds`` at most.

    ``until(now)``, when given, says when the value stops being true although no content changed (the next
    scheduled publication, ``core.workflow.first_scheduled_after``; None: never): past that moment it is
    built again. Invalidation rule: a change to content is a new version, hence a new key; a scheduled moment
    passing is ``until``; nothing outlives ``seconds``. Without a version (the cache down) nothing is kept.
    """
    version = current()
    if version is None:
        return build()
    key = f"kept:{name}:{version}"
    now = timezone.now()
    entry = cache.get(key)
    if entry is not None and (entry[1] is None or now < entry[1]):
        return entry[0]
    stale_at = until(now) if until else None  # asked before building: a moment passing meanwhile is not missed
    value = build()
    lifetime = seconds if stale_at is None else max(1, min(seconds, math.ceil((stale_at - now).total_seconds())))
    cache.set(key, (value, stale_at), lifetime)
    return value


class InProcess:
    """Values built once per content version in this process: what every request reads and none changes.

    Invalidation rule: a new content version drops every value built under the old one; a value with a
    ``valid_until`` moment (the next scheduled publication) is built again once the moment it is read for
    (``at``, default now) has reached it; past ``max_values`` keys (a preview at another moment is another
    key) all are dropped. Without a version (the cache down) nothing is kept.
    """

    def __init__(self, max_values=16):
        self.max_values = max_values
        self._lock = threading.Lock()
        self._kept = (None, {})  # (version, {key: value}), replaced whole: a reader never sees half a change

    def get(self, build, key=None, at=None):
        version = current()
        if version is None:
            return build()
        kept_version, values = self._kept
        value = values.get(key) if kept_version == version else None
        until = getattr(value, "valid_until", None)
        if value is not None and (until is None or (at or timezone.now()) < until):
            return value
        value = build()
        with self._lock:
            kept_version, values = self._kept
            if kept_version != version or len(values) >= self.max_values:
                values = {}
            self._kept = (version, {**values, key: value})
        return value

    def forget(self):
        with self._lock:
            self._kept = (None, {})


def bump():
    global _pending
    version = uuid.uuid4().hex[:12]
    try:
        cache.set(KEY, version, timeout=None)
        # The resilient Redis cache drops a write it cannot make instead of raising: ask whether it could.
        _pending = not getattr(cache, "available", True)
    except Exception:  # noqa: BLE001
        _pending = True
    memo = _this_request.get()
    if memo is not None:
        if _pending:
            memo.pop("version", None)  # read again, through the retry of the pending bump
        else:
            memo["version"] = version
    if _pending:
        log.warning("Content version not bumped: the cache cannot be reached; retried on the next read")


def bump_now_and_on_commit(**kwargs):
    bump()
    transaction.on_commit(bump, robust=True)


def is_content(sender):
    return getattr(getattr(sender, "_meta", None), "app_label", None) in CONTENT_APPS


def content_changed(sender, **kwargs):
    if is_content(sender):
        bump_now_and_on_commit()


def connect():
    """Called from the content apps' ``ready``: bump on every change to their models."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(content_changed, dispatch_uid="content-version-save")
    post_delete.connect(content_changed, dispatch_uid="content-version-delete")
    m2m_changed.connect(content_changed, dispatch_uid="content-version-m2m")
