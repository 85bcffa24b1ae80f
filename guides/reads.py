"""Which guides readers open most: a counter per guide in the shared cache, never a database write.

``record_read`` counts in this process and adds the count to the shared counter once per
``FLUSH_EVERY`` reads or ``FLUSH_SECONDS`` (one increment for many reads: a kept guide page then costs no
round trip of its own), so it can be called for every page view, cached pages included; a process that
ends loses at most its last few reads. ``most_read`` ranks the published guides by their counters;
guides nobody has read yet, or every guide when the counters are gone (a cache restart, an outage),
follow in editorial order.
Counters are never reset: they are a popularity hint for the empty search page, not statistics.

The ranking itself reads every published guide's counter, which grows with the content, so it is kept
in the cache for ``RANKING_SECONDS`` under the content version: a publish, a withdrawal or a scheduled
guide going live shows in the next ranking at once, a change in popularity within a few minutes. When the
version is unknown (the cache is down) nothing is kept and the guides come in editorial order.
"""

import logging
import threading
import time
from collections import Counter

from django.core.cache import cache

from core import content_version
from guides.models import Guide, next_visible_moment

KEY = "guide-reads:{}"
RANKING_SECONDS = 300
FLUSH_EVERY = 20
FLUSH_SECONDS = 10
log = logging.getLogger(__name__)
_unsent = Counter()
_unsent_lock = threading.Lock()
_last_flush = time.monotonic()


def record_read(slug):
    with _unsent_lock:
        _unsent[slug] += 1
        due = _unsent.total() >= FLUSH_EVERY or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def flush():
    """Add this process's unsent reads to the shared counters."""
    global _last_flush
    with _unsent_lock:
        unsent = dict(_unsent)
        _unsent.clear()
        _last_flush = time.monotonic()
    for slug, reads in unsent.items():
        key = KEY.format(slug)
        try:
            try:
                cache.incr(key, reads)
            except ValueError:  # the first read since the cache was emptied
                cache.add(key, 0, timeout=None)
                cache.incr(key, reads)
        except Exception:  # noqa: BLE001 - a cache outage must never cost the reader their page
            log.warning("%s reads of %s not counted: the cache cannot be reached", reads, slug, exc_info=True)


READ = "guide-read"  # the name under which a kept guide page repeats ``record_read`` (core.response_cache)


def counts(slugs):
    flush()
    try:
        found = cache.get_many([KEY.format(slug) for slug in slugs])
    except Exception:  # noqa: BLE001
        log.warning("Read counts unavailable: the cache cannot be reached", exc_info=True)
        return {}
    return {slug: found.get(KEY.format(slug), 0) for slug in slugs}


def ranking(n):
    """The ``n`` most-read published guides as (slug, id), kept for a few minutes per content version (and
    until the next scheduled publication)."""
    def ranked():
        guides = list(Guide.objects.published().values_list("slug", "pk"))
        read = counts([slug for slug, _ in guides])
        position = {slug: i for i, (slug, _) in enumerate(guides)}
        return sorted(guides, key=lambda guide: (-read.get(guide[0], 0), position[guide[0]]))[:n]
    return content_version.kept(f"most-read:{n}", ranked, RANKING_SECONDS, until=next_visible_moment)


def most_read(n):
    """Up to ``n`` published guides, most read first (then in editorial order)."""
    chosen = ranking(n)
    # By id and unordered: the ranking gives the order. SQLite without statistics read every guide for
    # a slug list filtered on revision_of IS NULL (it chose that index), and ordering by topic did too.
    guides = {guide.pk: guide for guide in Guide.objects.published().filter(pk__in=[pk for _, pk in chosen])
              .order_by().only("slug", "title_zh", "title_ru", "summary_zh", "summary_ru", "topic", "order")}
    return [guides[pk] for _, pk in chosen if pk in guides]
