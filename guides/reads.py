"""Which guides readers open most: a counter per guide in the shared cache, never a database write.

``record_read`` is one cache increment per read, so it can be called for every page view (cached pages
included). ``most_read`` ranks the published guides by their counters; guides nobody has read yet, or
every guide when the counters are gone (a cache restart, an outage), follow in editorial order.
Counters are never reset: they are a popularity hint for the empty search page, not statistics.
"""

import logging

from django.core.cache import cache

from guides.models import Guide

KEY = "guide-reads:{}"
log = logging.getLogger(__name__)


def record_read(slug):
    key = KEY.format(slug)
    try:
        try:
            cache.incr(key)
        except ValueError:  # the first read since the cache was emptied
            cache.add(key, 0, timeout=None)
            cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache outage must never cost the reader their page
        log.warning("Read of %s not counted: the cache cannot be reached", slug, exc_info=True)


READ = "guide-read"  # the name under which a kept guide page repeats ``record_read`` (core.response_cache)


def counts(slugs):
    try:
        found = cache.get_many([KEY.format(slug) for slug in slugs])
    except Exception:  # noqa: BLE001
        log.warning("Read counts unavailable: the cache cannot be reached", exc_info=True)
        return {}
    return {slug: found.get(KEY.format(slug), 0) for slug in slugs}


def most_read(n):
    """Up to ``n`` published guides, most read first (then in editorial order)."""
    slugs = list(Guide.objects.published().values_list("slug", flat=True))
    read = counts(slugs)
    position = {slug: i for i, slug in enumerate(slugs)}
    chosen = sorted(slugs, key=lambda slug: (-read.get(slug, 0), position[slug]))[:n]
    guides = {guide.slug: guide for guide in Guide.objects.published().filter(slug__in=chosen)
              .only("slug", "title_zh", "title_ru", "summary_zh", "summary_ru", "topic", "order")}
    return [guides[slug] for slug in chosen if slug in guides]
